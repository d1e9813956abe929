"""The ID card reader at a real display: ``fever-desk`` on Xvfb, a GA 467 reader on a real pty.

The station's settings name a serial card reader (``ga467``) on the slave end of a pty; the test plays the
reader on the master end with the simulator's own frame builders (``devices/idcard/simulator.py``), so the
station opens, polls and decodes it through pyserial in its own process, as at a counter.  A card placed
fills the screening form the nurse has in front of her; she completes it by keyboard (XTest) and saves,
and the record read back from the database file holds the card's person.  Pulling the reader (both ends
of the pty closed) while she types the next person puts out the reader's green "ready" light in the
status bar — read from the screen's pixels, the one place the station shows it — and loses none of her
keys; Ctrl+Q then quits cleanly.

The in-process tests (``tests/ui/test_idcard_desk.py``) already check the words and the marks on the
fields; this one checks what only the real process shows: the settings file read at start, the port
opened by the station itself, the keyboard never taken by the reader's comings and goings.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.idcard.simulator import SAMPLE_CARDS, CardResponder, card_pty
from devices.simulator import PtySimulator
from tests.e2e.test_keyboard_desk import _seeded, log_in, quit_with_ctrl_q, screening
from tests.e2e.xdesk import SEEDED_SETTINGS, Station, XServer, main_title

pytestmark = pytest.mark.e2e

WANG = SAMPLE_CARDS[0]  # 王小明, male, born 1990-03-07, a valid card
#: The status bar's device colours (``ui/desk/widgets/device_status.py``): "ready" is this green.
READY_GREEN = bytes.fromhex("1b7f3b")
#: The status bar's height and a margin: the band of the window searched for the reader's light.
STATUS_BAND_PX = 30


@pytest.fixture
def reader() -> Iterator[tuple[PtySimulator, CardResponder]]:
    """A GA 467 reader on a new pty, empty until the test places a card; unplugged at the end."""
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    try:
        yield sim, responder
    finally:
        sim.unplug()


@pytest.fixture
def counter(
    x_server: XServer, tmp_path: Path, reader: tuple[PtySimulator, CardResponder]
) -> Iterator[Station]:
    """A station set up earlier whose settings file names the reader on the pty (as clinic IT would)."""
    sim, _responder = reader
    settings = {**SEEDED_SETTINGS, "idcard_protocol": "ga467", "idcard_port": sim.path}
    yield from _seeded(x_server, tmp_path, settings)


def reader_light(station: Station) -> bool:
    """The reader's green "ready" light is on in the status bar (the bottom band of the main window).

    Read from the X server's screen, as the nurse sees it: an exact pixel of the status bar's "connected"
    green.  Only green is looked for: amber is both a card's hint and the simulated thermometer's standing
    sentence beside the reader's, and grey every other device state."""
    window = station.windows(main_title(station.settings))[0]
    geometry = dict(
        line.split("=", 1)
        for line in station.x.run("xdotool", "getwindowgeometry", "--shell", window).split()
        if "=" in line
    )
    width, height = int(geometry["WIDTH"]), int(geometry["HEIGHT"])
    band = min(STATUS_BAND_PX, height)
    raw = subprocess.run(
        ["import", "-window", window, "-crop", f"{width}x{band}+0+{height - band}", "-depth", "8", "rgb:-"],
        env=station.x.env(),
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout
    return any(raw[i : i + 3] == READY_GREEN for i in range(0, len(raw) - 2, 3))


def test_a_card_fills_the_form_the_save_keeps_its_person_and_an_unplug_takes_no_keys(
    counter: Station, reader: tuple[PtySimulator, CardResponder]
) -> None:
    sim, responder = reader
    log_in(counter)  # the keyboard is in the empty name field
    counter.wait_for(lambda: reader_light(counter), "the card reader's green 'ready' light")

    responder.present(WANG)
    # The card's read is logged as a full-ID view before the form shows it (ui/desk/idcard/controller.py).
    counter.wait_for(
        lambda: counter.rows("SELECT 1 FROM audit_log WHERE action = 'view_full_id'"), "the card read logged"
    )
    responder.remove()
    # Name, sex, age (the birth date), ID number and address came from the card: the nurse adds what a
    # card does not carry.  From the name field: Tab (sex), Tab (age), Tab (phone).
    counter.key("Tab", "Tab", "Tab")
    counter.type("13912345678")
    counter.key("Tab")
    counter.type("36.5")
    counter.key("F8", "Return")
    saved = screening(counter, WANG.name)
    assert (saved["id_number"], saved["address"], saved["sex"], saved["phone"], saved["temperature_c"]) == (
        WANG.id_number,
        WANG.address,
        "male",
        "13912345678",
        36.5,
    )
    assert saved["disposition"] == "routine"

    # The next person: the reader is pulled out while the nurse types her name; keys typed before, during
    # and after the status bar changes all land in the name field.
    # The card's hint ("card read: 王*明", amber) has given way to the green light again before the pull,
    # so that the light going out below is the unplug's doing.
    counter.wait_for(lambda: reader_light(counter), "the green light back after the card's hint")
    counter.type("Zhou")
    sim.unplug()
    counter.type(" Mi")
    counter.wait_for(lambda: not reader_light(counter), "the reader's green light out in the status bar")
    counter.type("n")
    assert counter.focused_title() == main_title(counter.settings), "the unplug took the keyboard"
    counter.key("Tab", "2", "Tab")
    counter.type("34")
    counter.key("Tab")
    counter.type("13700000002")
    counter.key("Tab")
    counter.type("36.6")
    counter.key("F8", "Return")
    typed = screening(counter, "Zhou Min")
    assert (typed["sex"], typed["age"], typed["phone"]) == ("female", 34, "13700000002")
    assert typed["id_number"] == "" and typed["address"] == ""  # nothing of the card's person left
    quit_with_ctrl_q(counter)
    names = [row["name"] for row in counter.rows("SELECT name FROM screening ORDER BY created_at")]
    assert names == [WANG.name, "Zhou Min"]
