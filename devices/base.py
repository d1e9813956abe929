"""What every thermometer family produces, and the two roles each family plays: parser and driver.

A *parser* turns bytes into readings and nothing else, so it can be fuzzed and fed recorded frames without a
port.  A *driver* knows the request/reply rhythm of its family (what to send, how many bytes to wait for)
over any serial-like port, so the same code runs on ``loop://``, a pty and a real USB adapter.  Neither
knows about threads, Qt or the database: the session runner and the GUI live above this layer.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from fever_desk.model import MeasureMode, Temperature, TemperatureSource

#: Rated output range of clinical thermometers (ISO 80601-2-56).  A body-mode value outside it is never
#: shown as a body temperature: it is flagged so the nurse is asked to measure again.
BODY_RANGE_C: tuple[float, float] = (34.0, 43.0)


def _now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Reading:
    """One temperature the device reported, exactly as it reported it (no offset added here).

    ``plausible`` is False for a body-mode value outside :data:`BODY_RANGE_C`; such a reading is kept (the
    nurse should see that the device said something) but must be presented as "re-measure".  The
    timestamps are excluded from equality so that parsers can be compared on their output alone.
    """

    celsius: float
    mode: MeasureMode
    raw: bytes
    plausible: bool = True
    timestamp: datetime = field(default_factory=_now, compare=False)
    monotonic: float = field(default_factory=time.monotonic, compare=False, repr=False)

    @property
    def is_body_temperature(self) -> bool:
        """True only for a plausible body-mode value: the one kind a screening may store as a fever check."""
        return self.mode is MeasureMode.BODY and self.plausible

    def to_temperature(self, device: str = "") -> Temperature:
        """The domain value for a screening; refuses an implausible reading rather than storing it."""
        if not self.plausible:
            raise ValueError(f"implausible {self.mode} reading {self.celsius:.2f} °C: measure again")
        return Temperature(
            celsius=self.celsius,
            source=TemperatureSource.DEVICE,
            mode=self.mode,
            measured_at=self.timestamp,
            device=device,
        )


@dataclass(frozen=True)
class DeviceError:
    """An error the device itself reported (e.g. a Modbus exception); never a temperature."""

    code: int
    message: str
    raw: bytes
    timestamp: datetime = field(default_factory=_now, compare=False)


Item = Reading | DeviceError


def make_reading(celsius: float, mode: MeasureMode, raw: bytes) -> Reading:
    """Build a reading, flagging a body-mode value outside the clinical range as implausible."""
    celsius = round(celsius, 2)
    plausible = mode is not MeasureMode.BODY or BODY_RANGE_C[0] <= celsius <= BODY_RANGE_C[1]
    return Reading(celsius=celsius, mode=mode, raw=bytes(raw), plausible=plausible)


class ProtocolError(ValueError):
    """A protocol was configured wrongly (unknown name, bad option).  Never raised for bad input bytes."""


class DeviceUnavailable(OSError):
    """The port could not be opened or stopped working; ``reason`` is a short English sentence."""

    def __init__(self, reason: str, *, absent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        #: True when the device is simply not there (unplugged, path missing), not misconfigured.
        self.absent = absent


@dataclass
class ParserStats:
    """Counters of what a parser accepted and dropped; shown by diagnostics to tell noise from misconfig."""

    frames: int = 0
    readings: int = 0
    device_errors: int = 0
    bad_checksum: int = 0
    truncated: int = 0
    malformed: int = 0
    out_of_range: int = 0
    garbage_bytes: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Parser(ABC):
    """Incremental decoder: partial frames are kept across ``feed`` calls, junk is skipped and counted.

    Implementations must make the output independent of how the byte stream is chunked, and must never
    raise on arbitrary input bytes: a serial line delivers noise on every plug-in.
    """

    def __init__(self) -> None:
        self.stats = ParserStats()
        self._buf = bytearray()

    @abstractmethod
    def feed(self, data: bytes) -> list[Item]:
        """Consume ``data`` and return every complete, valid item it finished."""

    def flush(self) -> list[Item]:
        """The reply window closed: a partial frame still buffered is counted as truncated and dropped."""
        if self._buf:
            self.stats.truncated += 1
            self._buf.clear()
        return []

    def resync(self) -> None:
        """Forget buffered bytes, e.g. after reopening the port mid-stream."""
        self._buf.clear()

    def _accept(self, item: Item) -> Item:
        self.stats.frames += 1
        if isinstance(item, Reading):
            self.stats.readings += 1
        else:
            self.stats.device_errors += 1
        return item


class SerialPort(Protocol):
    """The part of ``serial.Serial`` the drivers use; the simulator's in-memory port implements it too."""

    @property
    def in_waiting(self) -> int: ...

    @property
    def is_open(self) -> bool: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class Driver(ABC):
    """The request/poll rhythm of a family.  ``poll`` does one bounded cycle and returns what it decoded.

    ``poll_interval`` is the pause the caller keeps between polls (0 for devices that talk unprompted).
    Every blocking read relies on the port's own short timeout and checks ``cancel``, so a caller can
    always stop a driver within a fraction of a second.
    """

    #: Seconds between requests; 0 means the device streams and ``poll`` only listens.
    poll_interval: float = 0.0
    #: Whether silence means trouble: True for request/reply families, where every poll expects an answer.
    expects_replies: bool = False

    def __init__(
        self,
        port: SerialPort,
        parser: Parser,
        options: Mapping[str, Any] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.port = port
        self.parser = parser
        self.options = dict(options or {})
        self.cancel = cancel or threading.Event()
        interval = self.options.get("interval")
        if interval is not None:
            self.poll_interval = _positive_float(interval, "interval")

    def start(self) -> None:
        """Called once after the port opened: drop stale input and let the parser start afresh."""
        self.port.reset_input_buffer()
        self.parser.resync()

    @abstractmethod
    def poll(self) -> list[Item]:
        """One request/read cycle, bounded in time."""


class StreamDriver(Driver):
    """For devices that print unprompted: read what is there, waiting at most the port timeout."""

    def poll(self) -> list[Item]:
        first = self.port.read(1)
        if not first:
            return []
        more = self.port.in_waiting
        data = first + self.port.read(more) if more else first
        return self.parser.feed(data)


class RequestDriver(Driver):
    """For request/reply families: send ``request()``, read until a frame decodes or the window closes."""

    poll_interval = 0.5
    expects_replies = True
    #: How long a reply may take before the cycle counts as unanswered.
    reply_timeout = 0.3

    @abstractmethod
    def request(self) -> bytes:
        """The bytes that ask the device for one reading."""

    @abstractmethod
    def reply_length(self) -> int:
        """How many bytes a complete reply has, so the read returns as soon as it is complete."""

    def before_request(self) -> None:
        """Hook for parsers that need to know a reply is due (families without framing)."""

    def poll(self) -> list[Item]:
        self.port.reset_input_buffer()
        self.before_request()
        self.port.write(self.request())
        deadline = time.monotonic() + float(self.options.get("reply_timeout", self.reply_timeout))
        wanted = self.reply_length()
        items: list[Item] = []
        while not items and not self.cancel.is_set() and time.monotonic() < deadline:
            data = self.port.read(wanted)
            if data:
                items.extend(self.parser.feed(data))
        if not items:
            items.extend(self.parser.flush())
        return items


def option_mode(options: Mapping[str, Any], default: MeasureMode) -> MeasureMode:
    """Read the ``mode`` option, rejecting unknown names at configuration time."""
    value = options.get("mode", default)
    try:
        return MeasureMode(value)
    except ValueError as exc:
        raise ProtocolError(f"unknown mode {value!r}; use one of {[m.value for m in MeasureMode]}") from exc


def option_range(options: Mapping[str, Any], default: tuple[float, float]) -> tuple[float, float]:
    """The sensor's physical range; frames decoding outside it are dropped as corrupt."""
    value = options.get("range_c", default)
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"range_c must be two numbers, got {value!r}") from exc
    if low >= high:
        raise ProtocolError(f"range_c must be increasing, got {value!r}")
    return low, high


def option_int(options: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = options.get(name, default)
    try:
        number = int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"{name} must be an integer, got {value!r}") from exc
    if not low <= number <= high:
        raise ProtocolError(f"{name} must be within {low}..{high}, got {number}")
    return number


def _positive_float(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"{name} must be a number, got {value!r}") from exc
    if number < 0:
        raise ProtocolError(f"{name} must not be negative, got {number}")
    return number
