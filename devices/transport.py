"""Opening ports and finding them: everything that touches pyserial's port objects directly.

Ports are opened through ``serial.serial_for_url`` so a device path, ``loop://`` (tests) and
``socket://host:port`` (a serial server on the network) are one code path.  Errors are translated into
:class:`DeviceUnavailable` with a short English reason, and into "absent" versus "misconfigured", because
the station shows those two very differently ("plug the thermometer in" versus "call support").
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

import serial
import serial.tools.list_ports

from devices.base import DeviceUnavailable, SerialPort

#: Every blocking read returns within this, so a session can always notice ``stop()`` promptly.
READ_TIMEOUT_S = 0.1
#: A write that cannot drain (device hung, flow control stuck) fails instead of blocking the thread.
WRITE_TIMEOUT_S = 0.3

#: USB-serial chips commonly found inside thermometers and kiosk boards.  The VID:PID names the chip
#: only, never the thermometer: confirm the device with a probe read.
KNOWN_CHIPS: dict[str, str] = {
    "1A86:7523": "CH340 USB-serial",
    "1A86:5523": "CH341 USB-serial",
    "1A86:55D4": "CH9102 USB-serial",
    "10C4:EA60": "CP210x USB-serial",
    "0403:6001": "FTDI FT232R USB-serial",
    "0403:6010": "FTDI FT2232 USB-serial",
    "0403:6014": "FTDI FT232H USB-serial",
    "0403:6015": "FTDI FT231X USB-serial",
    "067B:2303": "PL2303 USB-serial",
    "067B:23A3": "PL2303GC USB-serial",
}

_ABSENT_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO}

try:
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

#: What an open port may raise when its device goes away.  pyserial lets ``termios.error`` (not an
#: OSError) escape from ``reset_input_buffer`` on Linux, so it is listed explicitly.
IO_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)
_BUSY_ERRNOS = {errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK}


@dataclass(frozen=True)
class PortInfo:
    """One serial port as the operating system lists it, with a human hint about the chip."""

    path: str
    description: str
    vid_pid: str
    hint: str


def list_ports() -> list[PortInfo]:
    """The serial ports present now, sorted by path."""
    found = []
    for port in serial.tools.list_ports.comports():
        vid_pid = f"{port.vid:04X}:{port.pid:04X}" if port.vid is not None and port.pid is not None else ""
        description = port.description if port.description and port.description != "n/a" else ""
        found.append(PortInfo(port.device, description, vid_pid, KNOWN_CHIPS.get(vid_pid, "")))
    return sorted(found, key=lambda p: p.path)


def open_port(url: str, baudrate: int) -> SerialPort:
    """Open ``url`` 8N1 with short timeouts, exclusively where the platform supports it.

    Raises :class:`DeviceUnavailable` (``absent=True`` when the port is simply not there).
    """
    if not url:
        raise DeviceUnavailable("no port configured")
    try:
        return serial.serial_for_url(
            url,
            baudrate=baudrate,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_NONE,
            stopbits=serial.STOPBITS_ONE,
            timeout=READ_TIMEOUT_S,
            write_timeout=WRITE_TIMEOUT_S,
            exclusive=True,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise describe_open_error(exc) from exc


def describe_open_error(exc: BaseException) -> DeviceUnavailable:
    """Turn whatever pyserial raised on open into a short reason and an absent/misconfigured flag."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if isinstance(exc, ValueError):
        return DeviceUnavailable(f"invalid port settings: {text}")
    if isinstance(exc, FileNotFoundError) or code in _ABSENT_ERRNOS:
        return DeviceUnavailable("port not found (device unplugged?)", absent=True)
    if "FileNotFoundError" in text or "cannot find the file" in text.lower():
        return DeviceUnavailable("port not found (device unplugged?)", absent=True)
    if isinstance(exc, PermissionError) or code == errno.EACCES or "Access is denied" in text:
        return DeviceUnavailable("access denied (port in use or no permission)")
    if code in _BUSY_ERRNOS or "exclusively lock" in text:
        return DeviceUnavailable("port in use by another program")
    if "could not open port" in text or "Could not open port" in text:
        return DeviceUnavailable(f"could not open port: {_short(text)}")
    return DeviceUnavailable(_short(text) or type(exc).__name__)


def describe_io_error(exc: BaseException) -> str:
    """A short reason for an error on an open port; on every platform this is what an unplug looks like."""
    text = str(exc)
    if "readiness to read but returned no data" in text:
        return "device disconnected"
    if isinstance(exc, PermissionError) or "ClearCommError" in text or "Errno 5" in text:
        return "device disconnected"
    code = getattr(exc, "errno", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code = exc.args[0]  # termios.error carries (errno, text) without an errno attribute
    if code in _ABSENT_ERRNOS:
        return "device disconnected"
    if isinstance(exc, serial.SerialTimeoutException):
        return "device not accepting data (write timed out)"
    return f"connection lost: {_short(text) or type(exc).__name__}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
