"""DeviceSession end to end: the simulator serves one end of a pty, the session reads the other through
pyserial, exactly as it reads a USB thermometer.  Unplug is closing the pty; replug is a new pty behind
the same path (a symlink in tmp_path, like a udev rule's stable name)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.base import DeviceError, Reading
from devices.protocols.lu90614 import encode_reply
from devices.registry import DeviceConfig
from devices.session import DeviceSession, State
from devices.simulator import PtySimulator
from fever_desk.model import MeasureMode
from tests.devices.conftest import Recorder


@pytest.fixture
def sessions() -> Iterator[list[DeviceSession]]:
    """Every session a test starts is stopped on teardown, and must stop within 1 s."""
    started: list[DeviceSession] = []
    yield started
    for session in started:
        begin = time.monotonic()
        assert session.stop(1.0), "DeviceSession.stop() did not end its thread"
        assert time.monotonic() - begin < 1.0


@pytest.fixture
def sims() -> Iterator[list[PtySimulator]]:
    made: list[PtySimulator] = []
    yield made
    for sim in made:
        sim.unplug()


def _start(sessions: list[DeviceSession], recorder: Recorder, config: DeviceConfig) -> DeviceSession:
    session = DeviceSession(config, recorder.on_reading, recorder.on_status).start()
    sessions.append(session)
    return session


@pytest.mark.parametrize(
    ("protocol", "options"),
    [("lu90614", {"interval": 0.05}), ("ascii", {}), ("modbus_rtu", {"interval": 0.05})],
)
def test_readings_flow_from_simulator_over_a_pty(
    protocol: str, options: dict, sessions: list, sims: list, recorder: Recorder
) -> None:
    sim = PtySimulator(protocol, {"seed": 7, "stream_interval": 0.05, "fever_rate": 0.0})
    sims.append(sim)
    _start(sessions, recorder, DeviceConfig(protocol, sim.path, options=options))
    recorder.wait_readings(5, timeout=3.0)
    assert recorder.states[0] is State.CONNECTED
    readings = recorder.readings
    if protocol == "modbus_rtu":
        assert all(r.mode is MeasureMode.OBJECT for r in readings)
    else:
        assert all(r.is_body_temperature and 36.0 <= r.celsius <= 37.3 for r in readings)


def test_unplug_and_replug_through_a_stable_path(
    tmp_path: Path, sessions: list, sims: list, recorder: Recorder
) -> None:
    link = tmp_path / "ttyTHERMO"
    first = PtySimulator("lu90614", {"seed": 1})
    sims.append(first)
    link.symlink_to(first.path)
    session = _start(sessions, recorder, DeviceConfig("lu90614", str(link), options={"interval": 0.05}))
    recorder.wait_readings(3, timeout=3.0)

    unplugged_at = time.monotonic()
    first.unplug()
    link.unlink()
    took = recorder.wait_state(State.NO_DEVICE, timeout=2.0)
    assert took < 2.0
    assert recorder.statuses[-1][0] - unplugged_at < 2.0
    assert session.status.reason

    before = len(recorder.readings)
    second = PtySimulator("lu90614", {"seed": 2})
    sims.append(second)
    link.symlink_to(second.path)
    assert recorder.wait_state(State.CONNECTED, timeout=2.0) < 2.0
    recorder.wait_readings(before + 3, timeout=2.0)
    states = recorder.states
    assert states[0] is State.CONNECTED and states[-1] is State.CONNECTED
    assert set(states[1:-1]) == {State.NO_DEVICE}, states


def test_unplug_without_removing_the_path_then_replug_same_path(
    tmp_path: Path, sessions: list, sims: list, recorder: Recorder
) -> None:
    """The path still points at the dead pty for a while: the session keeps retrying without spinning."""
    link = tmp_path / "ttyTHERMO"
    first = PtySimulator("ascii", {"seed": 1, "stream_interval": 0.05})
    sims.append(first)
    link.symlink_to(first.path)
    _start(sessions, recorder, DeviceConfig("ascii", str(link)))
    recorder.wait_readings(2, timeout=3.0)
    cpu_before = time.process_time()
    first.unplug()
    recorder.wait_state(State.NO_DEVICE, timeout=2.0)
    time.sleep(0.6)  # a deliberate quiet spell to measure the CPU the retry loop uses
    assert time.process_time() - cpu_before < 0.3, "the reconnect loop is spinning"
    second = PtySimulator("ascii", {"seed": 2, "stream_interval": 0.05})
    sims.append(second)
    link.unlink()
    link.symlink_to(second.path)
    recorder.wait_state(State.CONNECTED, timeout=2.0)
    count = len(recorder.readings)
    recorder.wait_readings(count + 2, timeout=2.0)


def test_missing_port_reports_no_device_and_stop_is_prompt(sessions: list, recorder: Recorder) -> None:
    _start(sessions, recorder, DeviceConfig("lu90614", "/dev/does-not-exist-ttyUSB9"))
    recorder.wait_state(State.NO_DEVICE, timeout=1.0)
    assert "not found" in recorder.statuses[-1][1].reason


def test_bad_settings_report_error_once(sessions: list, recorder: Recorder) -> None:
    _start(sessions, recorder, DeviceConfig("no_such_protocol", "loop://"))
    recorder.wait_state(State.ERROR, timeout=1.0)
    assert "unknown protocol" in recorder.statuses[-1][1].reason


def test_silent_device_is_an_error_until_it_answers(sessions: list, sims: list, recorder: Recorder) -> None:
    sim = PtySimulator("ascii", {"stream_interval": 3600})  # never prints, never answers a request
    sims.append(sim)
    session = _start(sessions, recorder, DeviceConfig("lu90614", sim.path, options={"interval": 0.05}))
    session.silence_timeout = 0.3
    recorder.wait_state(State.ERROR, timeout=2.0)
    assert "no reply" in session.status.reason
    # An unsolicited frame only counts inside a reply window, so offer it a few times.
    connected = lambda: recorder.statuses[-1][1].state is State.CONNECTED  # noqa: E731
    for _ in range(10):
        sim.write(encode_reply(36.7))
        if recorder.holds_within(connected, 0.2):
            break
    assert recorder.statuses[-1][1].state is State.CONNECTED


def test_device_errors_and_callback_failures_do_not_stop_the_session(
    sessions: list, sims: list, recorder: Recorder
) -> None:
    sim = PtySimulator("lu90614", {"seed": 5, "error_rate": 0.5})
    sims.append(sim)
    calls = threading.Event()

    def flaky(item: object) -> None:
        calls.set()
        recorder.on_reading(item)  # type: ignore[arg-type]
        raise RuntimeError("consumer bug")

    session = DeviceSession(
        DeviceConfig("lu90614", sim.path, options={"interval": 0.03}), flaky, recorder.on_status
    )
    sessions.append(session.start())
    recorder.wait(lambda: any(isinstance(i, DeviceError) for i in recorder.items), 3.0, "a device error")
    recorder.wait_readings(2, timeout=3.0)
    assert session.running and calls.is_set()
    errors = [i for i in recorder.items if isinstance(i, DeviceError)]
    assert errors[0].code == 0xEE
    assert all(isinstance(i, Reading | DeviceError) for i in recorder.items)


def test_simulator_protocol_needs_no_port(sessions: list, recorder: Recorder) -> None:
    _start(sessions, recorder, DeviceConfig("simulator", options={"interval": 0.02, "seed": 1}))
    recorder.wait_readings(3, timeout=2.0)
    assert recorder.states[0] is State.CONNECTED


def test_pty_path_is_a_real_tty() -> None:
    with PtySimulator("lu90614") as sim:
        assert os.path.exists(sim.path) and sim.path.startswith("/dev/")
