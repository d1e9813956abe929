"""The GA 467 card reader as a device: items it reports, its find / select / read driver, its session.

The reader never speaks first, so the driver polls: *find card* (``20 01``), and when one is there
*select* (``20 02``) and *read* (``30 01``).  Each card is reported once per presentation: while the same
card stays on the reader nothing more is reported; once a poll finds no card, the next card — or the same
one placed again — is reported anew.  Readers differ here (some stop finding a card they have just read
until it leaves the field, others find it on every poll); both give one report per presentation.

The families are kept in their own small registry beside the thermometers', because the thermometer
settings list every thermometer family and a card reader is not one.  A :class:`ReaderConfig` is a
:class:`~devices.registry.DeviceConfig` whose family comes from here, so :class:`~devices.registry.Device`
and :class:`~devices.session.DeviceSession` (thread, reconnect after unplug, status events) are reused
unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from devices import transport
from devices.base import Driver, ProtocolError, SerialPort
from devices.idcard import frame
from devices.idcard.card import TEXT_LENGTH, CardDataError, IdCard, parse_text_block
from devices.registry import Device, DeviceConfig, ProtocolFamily
from devices.session import DeviceSession, SessionStatus

NAME = "ga467"
SIMULATOR = "ga467_simulator"
BAUDRATE = 115200


def _now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class CardRead:
    """A card as read, checked and accepted."""

    card: IdCard
    timestamp: datetime = field(default_factory=_now, compare=False)
    monotonic: float = field(default_factory=time.monotonic, compare=False, repr=False)


@dataclass(frozen=True)
class CardReadError:
    """A card was on the reader but gave no usable card: ``code`` is the reader's SW3 status, or 0 when
    the reply was well-formed but its content failed a check (``reason``, English; ``detail`` the
    validator's message for a bad ID number)."""

    code: int
    reason: str
    detail: str = ""
    timestamp: datetime = field(default_factory=_now, compare=False)


CardItem = CardRead | CardReadError

#: Content problems of a checksum-valid read reply (beside :data:`devices.idcard.card.REASONS`).
MALFORMED_REPLY = "the reader's reply has the wrong layout"


def decode_read_reply(reply: frame.Frame, *, today: date | None = None) -> CardItem:
    """What a reply to ``30 01`` means: a card, the reader's refusal, or a content error."""
    if reply.sw3 != frame.SW_OK:
        return status_error(reply.sw3)
    data = reply.data
    if len(data) < 4:
        return CardReadError(0, MALFORMED_REPLY)
    text_length = int.from_bytes(data[:2], "big")
    photo_length = int.from_bytes(data[2:4], "big")
    if text_length != TEXT_LENGTH or len(data) != 4 + text_length + photo_length:
        return CardReadError(0, MALFORMED_REPLY)
    try:
        return CardRead(parse_text_block(data[4 : 4 + TEXT_LENGTH], today=today))
    except CardDataError as exc:
        return CardReadError(0, exc.reason, exc.detail)


def status_error(sw3: int) -> CardReadError:
    return CardReadError(sw3, frame.STATUS.get(sw3, f"the reader reported status 0x{sw3:02X}"))


class Ga467Driver(Driver):
    """Find, select, read; one bounded request/reply exchange at a time.

    ``replies`` counts every checksum-valid frame the reader sent, so the session can tell a reader that
    answers "no card" (healthy) from one that is silent (wrong port or baud rate).
    """

    poll_interval = 0.25
    expects_replies = True
    #: Find and select are answered at once; a read takes the card up to a second, plus 1295 bytes on the
    #: line (1.4 s at 9600 baud).  Both are options.
    reply_timeout = 0.5
    read_timeout = 3.0

    def __init__(
        self,
        port: SerialPort,
        parser: frame.FrameParser,  # type: ignore[override]
        options: Mapping[str, Any] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        super().__init__(port, parser, options, cancel)
        self.parser: frame.FrameParser = parser
        self.replies = 0
        self._reported: IdCard | None = None
        self._error_reported = False

    def poll(self) -> list[CardItem]:  # type: ignore[override]  # card items, not thermometer readings
        found = self.exchange(frame.CMD_FIND, self._timeout("reply_timeout"))
        if found is None:
            return []
        if found.sw3 == frame.SW_NO_CARD:
            self._reported, self._error_reported = None, False  # the next card is a new presentation
            return []
        if found.sw3 != frame.SW_FOUND:
            return self._error(status_error(found.sw3))
        selected = self.exchange(frame.CMD_SELECT, self._timeout("reply_timeout"))
        if selected is None or selected.sw3 == frame.SW_SELECT_FAILED:
            return []  # the card is being put down or taken away: the next poll tries again
        if selected.sw3 != frame.SW_OK:
            return self._error(status_error(selected.sw3))
        read = self.exchange(frame.CMD_READ, self._timeout("read_timeout"))
        if read is None:
            return []  # a corrupted or cut reply: counted by the parser, read again next poll
        item = decode_read_reply(read)
        if isinstance(item, CardReadError):
            return self._error(item)
        if item.card == self._reported:
            return []
        self._reported, self._error_reported = item.card, False
        return [item]

    def exchange(self, cmd: tuple[int, int], timeout: float) -> frame.Frame | None:
        """Send one command; the first valid frame within ``timeout`` is its reply (None if none came)."""
        self.port.reset_input_buffer()
        self.parser.resync()
        self.port.write(frame.command(cmd))
        deadline = time.monotonic() + timeout
        while not self.cancel.is_set() and time.monotonic() < deadline:
            data = self.port.read(1)
            if not data:
                continue
            more = self.port.in_waiting
            frames = self.parser.feed(data + self.port.read(more) if more else data)
            if frames:
                self.replies += len(frames)
                return frames[0]
        self.parser.flush()
        return None

    def _error(self, error: CardReadError) -> list[CardItem]:
        """A failure is reported once per presentation (the reader keeps retrying quietly), and never
        after the card on the reader has already been reported."""
        if self._error_reported or self._reported is not None:
            return []
        self._error_reported = True
        self.parser.stats.device_errors += 1
        return [error]

    def _timeout(self, name: str) -> float:
        value = self.options.get(name, getattr(self, name))
        try:
            seconds = float(value)
        except (TypeError, ValueError) as exc:
            raise ProtocolError(f"{name} must be a number, got {value!r}") from exc
        if seconds <= 0:
            raise ProtocolError(f"{name} must be above 0, got {seconds}")
        return seconds


def _parser(_options: Mapping[str, Any]) -> frame.FrameParser:
    return frame.FrameParser()


def _simulated_port(url: str, baudrate: int, options: Mapping[str, Any]) -> SerialPort:
    from devices.idcard.simulator import CardResponder
    from devices.simulator import SimulatedPort

    return SimulatedPort(
        SIMULATOR, options, timeout=transport.READ_TIMEOUT_S, responder=CardResponder(options)
    )


_READERS: dict[str, ProtocolFamily] = {
    NAME: ProtocolFamily(
        NAME,
        "resident ID card reader, GA 467 serial protocol (find / select / read)",
        BAUDRATE,
        _parser,
        Ga467Driver,  # type: ignore[arg-type]
    ),
    SIMULATOR: ProtocolFamily(
        SIMULATOR,
        "simulated ID card reader with sample cards, no hardware",
        0,
        _parser,
        Ga467Driver,  # type: ignore[arg-type]
        _simulated_port,
    ),
}


def get(name: str) -> ProtocolFamily:
    try:
        return _READERS[name]
    except KeyError:
        raise ProtocolError(f"unknown card reader {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    return sorted(_READERS)


@dataclass(frozen=True)
class ReaderConfig(DeviceConfig):
    """Port, baud rate and options of the card reader; the family comes from the readers' registry."""

    protocol: str = NAME

    @property
    def family(self) -> ProtocolFamily:
        return get(self.protocol)


class CardReaderSession(DeviceSession):
    """The thermometer's session (one thread, reconnect, status events) around a card reader.

    ``on_card`` receives :class:`CardRead` and :class:`CardReadError` on the session thread.  A reader
    that answers "no card" is healthy: only silence makes the status "no reply".
    """

    thread_name = "idcard"

    def __init__(
        self,
        config: ReaderConfig,
        on_card: Callable[[CardItem], None],
        on_status: Callable[[SessionStatus], None] | None = None,
    ) -> None:
        super().__init__(config, on_card, on_status)  # type: ignore[arg-type]  # card items, not readings
        self._replies_seen = 0

    def _answered(self, device: Device, items: list[Any]) -> bool:
        """Any valid frame since the last cycle, "no card" included, shows the reader is there."""
        replies = getattr(device.driver, "replies", 0)
        heard, self._replies_seen = replies != self._replies_seen, replies
        return heard or bool(items)
