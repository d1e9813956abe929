"""The card reader end to end: the simulated reader serves one end of a pty, CardReaderSession reads the
other through pyserial, as it reads a USB-serial reader.  Unplug is closing the pty; replug is a new pty
behind the same path (a symlink, like a udev rule's stable name).  Waits are on events with timeouts."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from devices.idcard.reader import SIMULATOR, CardRead, CardReadError, CardReaderSession, ReaderConfig
from devices.idcard.simulator import SAMPLE_CARDS, CardResponder, card_pty
from devices.session import State
from devices.simulator import PtySimulator
from tests.devices.conftest import Recorder


@pytest.fixture
def sessions() -> Iterator[list[CardReaderSession]]:
    started: list[CardReaderSession] = []
    yield started
    for session in started:
        assert session.stop(1.0), "CardReaderSession.stop() did not end its thread"


@pytest.fixture
def sims() -> Iterator[list[PtySimulator]]:
    made: list[PtySimulator] = []
    yield made
    for sim in made:
        sim.unplug()


def _reader(sims: list, options: dict[str, Any] | None = None) -> tuple[PtySimulator, CardResponder]:
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0, **(options or {})})
    sims.append(sim)
    return sim, responder


def _start(sessions: list, recorder: Recorder, port: str, **options: Any) -> CardReaderSession:
    config = ReaderConfig(port=port, options=options)
    session = CardReaderSession(config, recorder.on_reading, recorder.on_status)
    sessions.append(session.start())
    return session


def _cards(recorder: Recorder) -> list:
    return [i.card for i in list(recorder.items) if isinstance(i, CardRead)]


def _errors(recorder: Recorder) -> list[CardReadError]:
    return [i for i in list(recorder.items) if isinstance(i, CardReadError)]


def _polls(responder: CardResponder, count: int, what: str) -> None:
    """Wait until the station has sent ``count`` more find commands (the simulator side has no events)."""
    wanted = responder.finds + count
    deadline = time.monotonic() + 2.0
    while responder.finds < wanted:
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_a_placed_card_arrives_within_a_second_with_default_settings(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim, responder = _reader(sims)
    _start(sessions, recorder, sim.path)
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    responder.present(SAMPLE_CARDS[1])
    recorder.wait(lambda: bool(_cards(recorder)), 1.0, "the card within 1 s")
    assert _cards(recorder) == [SAMPLE_CARDS[1]]
    assert recorder.items[0].card.ethnic_group == "维吾尔"


def test_each_card_is_reported_once_per_presentation(sessions: list, sims: list, recorder: Recorder) -> None:
    sim, responder = _reader(sims)
    _start(sessions, recorder, sim.path, interval=0.02)
    responder.present(SAMPLE_CARDS[0])
    recorder.wait(lambda: len(_cards(recorder)) == 1, 2.0, "the first card")
    _polls(responder, 10, "ten more polls with the card still there")
    assert _cards(recorder) == [SAMPLE_CARDS[0]], "a card staying on the reader was reported again"

    responder.remove()
    _polls(responder, 2, "two polls of the empty reader")
    responder.present(SAMPLE_CARDS[0])  # the same card placed again: a new presentation
    recorder.wait(lambda: len(_cards(recorder)) == 2, 2.0, "the card placed again")
    responder.present(SAMPLE_CARDS[2])  # swapped without a poll seeing the reader empty
    recorder.wait(lambda: len(_cards(recorder)) == 3, 2.0, "the swapped card")
    assert _cards(recorder) == [SAMPLE_CARDS[0], SAMPLE_CARDS[0], SAMPLE_CARDS[2]]
    assert not _errors(recorder)


def test_unplug_and_replug_are_reported_within_two_seconds(
    tmp_path: Path, sessions: list, sims: list, recorder: Recorder
) -> None:
    link = tmp_path / "ttyIDCARD"
    first, responder = _reader(sims)
    link.symlink_to(first.path)
    session = _start(sessions, recorder, str(link))
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    responder.present(SAMPLE_CARDS[0])
    recorder.wait(lambda: len(_cards(recorder)) == 1, 1.0, "a card before the unplug")

    first.unplug()
    link.unlink()
    recorder.wait_state(State.NO_DEVICE, timeout=2.0)
    assert session.status.reason

    second, responder = _reader(sims)
    link.symlink_to(second.path)
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    responder.present(SAMPLE_CARDS[3])
    recorder.wait(lambda: len(_cards(recorder)) == 2, 1.0, "a card after the replug")
    assert _cards(recorder) == [SAMPLE_CARDS[0], SAMPLE_CARDS[3]]
    states = recorder.states
    assert states[0] is State.CONNECTED and states[-1] is State.CONNECTED
    assert set(states[1:-1]) == {State.NO_DEVICE}, states


def test_corrupted_frames_are_dropped_and_only_cards_served_intact_arrive(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim, responder = card_pty({"corrupt_rate": 0.3, "seed": 3, "dwell": 3, "gap": 1})
    sims.append(sim)
    session = _start(sessions, recorder, sim.path, interval=0.01, read_timeout=0.3, reply_timeout=0.2)
    recorder.wait(lambda: len(_cards(recorder)) >= 4, 15.0, "four cards through a noisy line")
    cards = _cards(recorder)
    assert all(card in SAMPLE_CARDS for card in cards)
    assert all(card in responder.served for card in cards)
    assert all(a != b for a, b in itertools.pairwise(cards)), "a card was reported twice in a row"
    stats = session._device.stats if session._device else None
    assert stats is not None and stats.bad_checksum + stats.truncated + stats.malformed > 0


def test_a_failing_read_is_reported_once_then_the_card_arrives(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim, responder = _reader(sims)
    _start(sessions, recorder, sim.path, interval=0.02)
    responder.fail_next_reads(4)
    responder.present(SAMPLE_CARDS[2])
    recorder.wait(lambda: len(_cards(recorder)) == 1, 2.0, "the card after the failed reads")
    errors = _errors(recorder)
    assert [e.code for e in errors] == [0x41]
    assert isinstance(recorder.items[0], CardReadError) and isinstance(recorder.items[-1], CardRead)


def test_a_card_with_a_bad_id_number_is_an_error_never_a_card(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim, responder = _reader(sims)
    _start(sessions, recorder, sim.path, interval=0.02)
    responder.present(replace(SAMPLE_CARDS[0], id_number="110101199003070012"))
    recorder.wait(lambda: bool(_errors(recorder)), 2.0, "the read error")
    _polls(responder, 10, "ten more polls")
    (error,) = _errors(recorder)
    assert error.code == 0 and error.reason == "the card's ID number failed the check"
    assert "check digit" in error.detail
    assert not _cards(recorder)


def test_an_empty_reader_is_healthy_but_silence_is_an_error(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim, _ = _reader(sims)
    healthy = _start(sessions, recorder, sim.path, interval=0.02)
    healthy.silence_timeout = 0.3
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    assert not recorder.holds_within(lambda: recorder.statuses[-1][1].state is State.ERROR, 1.0)

    mute = PtySimulator("ascii", {"stream_interval": 3600})  # a port where nothing answers
    sims.append(mute)
    silent_recorder = Recorder()
    silent = _start(sessions, silent_recorder, mute.path, interval=0.02, reply_timeout=0.1)
    silent.silence_timeout = 0.3
    silent_recorder.wait_state(State.ERROR, timeout=2.0)
    assert "no reply" in silent.status.reason


def test_the_in_memory_simulator_needs_no_port(sessions: list, recorder: Recorder) -> None:
    session = CardReaderSession(
        ReaderConfig(SIMULATOR, options={"interval": 0.01, "corrupt_rate": 0.0, "dwell": 1, "gap": 1}),
        recorder.on_reading,
        recorder.on_status,
    )
    sessions.append(session.start())
    recorder.wait(lambda: len(_cards(recorder)) >= 2, 3.0, "two simulated cards")
    assert _cards(recorder)[:2] == list(SAMPLE_CARDS[:2])


def test_stop_is_prompt_while_a_read_waits_for_its_reply(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    """A read may wait 3 s for the reader; stop() must not wait for it."""
    sim, responder = _reader(sims)
    session = _start(sessions, recorder, sim.path)
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    responder.hold_reads()
    responder.present(SAMPLE_CARDS[0])
    _polls(responder, 1, "the find that starts a read")
    time.sleep(0.3)  # find and select answered: the session is now inside the 3 s read wait
    sessions.remove(session)
    begin = time.monotonic()
    assert session.stop(1.0)
    assert time.monotonic() - begin < 1.0
    assert not _cards(recorder)
