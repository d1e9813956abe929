"""Opening ports and finding them: everything that touches pyserial's port objects directly.

Ports are opened through ``serial.serial_for_url`` so a device path, ``loop://`` (tests) and
``socket://host:port`` (a serial server on the network) are one code path.  Errors are translated into
:class:`DeviceUnavailable` with a short English reason, and into "absent" versus "misconfigured", because
the station shows those two very differently ("plug the thermometer in" versus "call support").
"""

from __future__ import annotations

import errno
import re
import sys
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
#: Windows system error codes (``winerror``).  The *text* of these errors is in the PC's language
#: ("Access is denied." / "拒绝访问。"), so only the numbers are compared.
_WIN_ABSENT = {
    2,  # ERROR_FILE_NOT_FOUND: no such COM port
    3,  # ERROR_PATH_NOT_FOUND
    31,  # ERROR_GEN_FAILURE: "a device attached to the system is not functioning" (unplugged)
    433,  # ERROR_NO_SUCH_DEVICE
    1167,  # ERROR_DEVICE_NOT_CONNECTED
}
#: ERROR_ACCESS_DENIED (how Windows says another program has the port) and ERROR_SHARING_VIOLATION.
_WIN_IN_USE = {5, 32}
_WIN_GONE_WHILE_OPEN = _WIN_ABSENT | {5, 22, 995}  # + ERROR_BAD_COMMAND, ERROR_OPERATION_ABORTED
#: pyserial on Windows raises ``SerialException("could not open port 'COM3': PermissionError(13,
#: '拒绝访问。', None, 5)")``: the OSError survives only as its repr inside the message, so the codes
#: are read back from it — ``Errno(errno, 'localized text', None, winerror)``.
_REPR_CODES = re.compile(
    r"\b\w*(?:Error|Exception)\((-?\d+), (?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"), None, (-?\d+)\)"
)
_REPR_ERRNO = re.compile(r"\b\w*Error\((-?\d+)[,)]")  # a shorter repr: the errno alone
_BRACKET_CODES = re.compile(r"\[(Errno|WinError) (-?\d+)\]")
IS_WINDOWS = sys.platform == "win32"

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


def error_codes(exc: BaseException) -> tuple[int | None, int | None]:
    """``(errno, winerror)`` of an error as pyserial raises it, on any OS and in any language.

    Read from the exception's attributes, from ``args`` (``termios.error`` is ``(errno, text)``), from
    the repr pyserial embeds on Windows, and from a ``[Errno N]`` / ``[WinError N]`` in the text.
    """
    code: int | None = getattr(exc, "errno", None)
    winerror: int | None = getattr(exc, "winerror", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code = exc.args[0]
    text = str(exc)
    found = _REPR_CODES.search(text)
    if found:
        code = code if code is not None else int(found.group(1))
        winerror = winerror if winerror is not None else int(found.group(2))
    elif code is None and (short := _REPR_ERRNO.search(text)):
        code = int(short.group(1))
    for kind, number in _BRACKET_CODES.findall(text):
        if kind == "Errno" and code is None:
            code = int(number)
        elif kind == "WinError" and winerror is None:
            winerror = int(number)
    cause = exc.__cause__ or exc.__context__
    if (code is None or winerror is None) and cause is not None and cause is not exc:
        inner_code, inner_win = error_codes(cause)
        code = inner_code if code is None else code
        winerror = inner_win if winerror is None else winerror
    return code, winerror


def describe_open_error(exc: BaseException) -> DeviceUnavailable:
    """Turn whatever pyserial raised on open into a short reason and an absent/misconfigured flag.

    Decided by error codes, never by the operating system's wording, which follows the PC's language.
    """
    if isinstance(exc, ValueError):
        return DeviceUnavailable(f"invalid port settings: {exc}")
    code, winerror = error_codes(exc)
    if isinstance(exc, FileNotFoundError) or code in _ABSENT_ERRNOS or winerror in _WIN_ABSENT:
        return DeviceUnavailable("port not found (device unplugged?)", absent=True)
    if winerror in _WIN_IN_USE:
        return DeviceUnavailable("port in use by another program")
    if isinstance(exc, PermissionError) or code == errno.EACCES:
        return DeviceUnavailable("access denied (port in use or no permission)")
    if code in _BUSY_ERRNOS:
        return DeviceUnavailable("port in use by another program")
    text = str(exc)
    if "exclusively lock" in text:  # pyserial's own wording (POSIX flock), not the OS's
        return DeviceUnavailable("port in use by another program")
    if "could not open port" in text.lower():
        return DeviceUnavailable(f"could not open port: {_short(text)}")
    return DeviceUnavailable(_short(text) or type(exc).__name__)


def describe_io_error(exc: BaseException) -> str:
    """A short reason for an error on an open port; on every platform this is what an unplug looks like."""
    text = str(exc)
    if "readiness to read but returned no data" in text:  # pyserial's own wording
        return "device disconnected"
    code, winerror = error_codes(exc)
    if isinstance(exc, PermissionError) or winerror in _WIN_GONE_WHILE_OPEN or code in _ABSENT_ERRNOS:
        return "device disconnected"
    if "ClearCommError" in text:  # pyserial (Windows) names the failing call; the handle is dead
        return "device disconnected"
    if isinstance(exc, serial.SerialTimeoutException):
        return "device not accepting data (write timed out)"
    return f"connection lost: {_short(text) or type(exc).__name__}"


def port_key(name: str, *, windows: bool | None = None) -> str:
    """The form two port names are compared in: Windows' COM names ignore case and the ``\\\\.\\``
    device prefix (``com3`` = ``COM3`` = ``\\\\.\\COM3``); POSIX paths and URLs are compared as typed."""
    name = name.strip()
    if not (IS_WINDOWS if windows is None else windows) or "://" in name:
        return name
    if name.startswith("\\\\.\\"):
        name = name[4:]
    return name.upper()


def same_port(a: str, b: str, *, windows: bool | None = None) -> bool:
    return port_key(a, windows=windows) == port_key(b, windows=windows)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
