"""Windows-style unplug without Windows: a port whose read raises PermissionError 13 and which refuses
to reopen while the old handle lives, exactly as the reference notes describe."""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pytest
import serial

from devices import registry
from devices.base import DeviceUnavailable
from devices.protocols import ascii_lines
from devices.registry import DeviceConfig, ProtocolFamily
from devices.session import DeviceSession, State
from devices.transport import describe_io_error, describe_open_error
from tests.devices.conftest import Recorder

try:
    import termios

    # pyserial lets termios.error escape on Linux; Windows has no termios, and no such error to read.
    TERMIOS_UNPLUG = [(termios.error(5, "Input/output error"), "device disconnected")]
except ImportError:
    TERMIOS_UNPLUG = []


class WindowsLikePort:
    """Delivers lines until ``unplug`` is set, then fails reads with ClearCommError as Windows does."""

    live: ClassVar[list[WindowsLikePort]] = []

    def __init__(self) -> None:
        self.unplug = threading.Event()
        self.is_open = True
        self.in_waiting = 0
        WindowsLikePort.live.append(self)

    def read(self, size: int = 1) -> bytes:
        if self.unplug.wait(0.02):
            raise PermissionError(
                errno.EACCES, "ClearCommError failed (PermissionError(13, 'Access is denied.'))"
            )
        return b"\n36.80\r\n"

    def write(self, data: bytes) -> int:
        return len(data)

    def reset_input_buffer(self) -> None:
        return None

    def close(self) -> None:
        self.is_open = False
        WindowsLikePort.live.remove(self)


def _open(url: str, baudrate: int, options: Mapping[str, Any]) -> WindowsLikePort:
    if any(p.is_open for p in WindowsLikePort.live):
        raise DeviceUnavailable("access denied (port in use or no permission)")
    return WindowsLikePort()


@pytest.fixture
def windows_family() -> Iterator[str]:
    family = ProtocolFamily(
        "test_windows", "test only", 9600, ascii_lines.AsciiLinesParser, ascii_lines.AsciiLinesDriver, _open
    )
    registry.register(family)
    WindowsLikePort.live.clear()
    yield family.name
    registry._FAMILIES.pop(family.name)


def test_old_handle_is_closed_before_reporting_and_reopening(windows_family: str, recorder: Recorder) -> None:
    seen_open: list[bool] = []

    def on_status(status: object) -> None:
        seen_open.append(any(p.is_open for p in WindowsLikePort.live))
        recorder.on_status(status)  # type: ignore[arg-type]

    session = DeviceSession(DeviceConfig(windows_family, "COM3"), recorder.on_reading, on_status).start()
    try:
        recorder.wait_readings(2, timeout=2.0)
        first = WindowsLikePort.live[0]
        first.unplug.set()
        recorder.wait_state(State.NO_DEVICE, timeout=2.0)
        assert recorder.statuses[-1][1].reason == "device disconnected"
        assert not first.is_open and seen_open[-1] is False
        recorder.wait_state(State.CONNECTED, timeout=2.0)
        assert State.ERROR not in recorder.states, "reopen was refused: old handle still open"
    finally:
        assert session.stop(1.0)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            serial.SerialException("device reports readiness to read but returned no data"),
            "device disconnected",
        ),
        (serial.SerialException("read failed: [Errno 5] Input/output error"), "device disconnected"),
        (OSError(errno.EIO, "Input/output error"), "device disconnected"),
        *TERMIOS_UNPLUG,
        (PermissionError(13, "ClearCommError failed"), "device disconnected"),
        (serial.SerialTimeoutException("Write timeout"), "device not accepting data (write timed out)"),
    ],
)
def test_io_errors_read_as_unplug(exc: BaseException, reason: str) -> None:
    assert describe_io_error(exc) == reason


@pytest.mark.parametrize(
    ("exc", "absent", "text"),
    [
        (
            serial.SerialException(2, "could not open port /dev/ttyUSB0: [Errno 2] No such file"),
            True,
            "not found",
        ),
        (serial.SerialException("could not open port 'COM3': FileNotFoundError(2, ...)"), True, "not found"),
        (
            serial.SerialException(13, "could not open port /dev/ttyUSB0: [Errno 13] Permission denied"),
            False,
            "access",
        ),
        (
            serial.SerialException("could not open port 'COM3': PermissionError(13, 'Access is denied.')"),
            False,
            "access",
        ),
        (serial.SerialException(11, "Could not exclusively lock port /dev/ttyUSB0"), False, "in use"),
        (ValueError("Not a valid baudrate: -1"), False, "invalid port settings"),
    ],
)
def test_open_errors_are_named(exc: BaseException, absent: bool, text: str) -> None:
    described = describe_open_error(exc)
    assert described.absent is absent and text in described.reason
