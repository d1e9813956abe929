"""Optris CT / CTlaser / CSmicro and Micro-Epsilon thermoMETER CT binary protocol (115200 8N1).

Command ``0x01`` asks for the process temperature; the reply is 2 bytes big-endian, T = (v − 1000) / 10 °C.
On RS-485 the request is prefixed with ``0xB0 + address``.  Reads carry no checksum and no header, so the
only framing is "2 bytes answer 1 request": the driver tells the parser a reply is due (:meth:`expect`),
bytes arriving when none is due are junk, and a reply cut short by the timeout is dropped as truncated.
The physical range check is then the only guard against a corrupt value, which is why it is not optional.
These are pyrometers: they measure a surface, so readings are object (default) or surface mode, never body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devices.base import (
    Item,
    Parser,
    ProtocolError,
    RequestDriver,
    make_reading,
    option_int,
    option_mode,
    option_range,
)
from fever_desk.model import MeasureMode

NAME = "optris_ct"
BAUDRATE = 115200
REPLY_LEN = 2
CMD_PROCESS_TEMPERATURE = 0x01
CMD_ACTUAL_TEMPERATURE = 0x81
ADDRESS_BASE = 0xB0
#: The widest range of the CT family's heads (−50…975 °C for the LT heads); outside it the value is junk.
SENSOR_RANGE_C = (-50.0, 975.0)


def encode_reply(celsius: float) -> bytes:
    """The 2-byte reply for ``celsius`` (used by the simulator and by tests)."""
    value = round(celsius * 10) + 1000
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"{celsius} °C cannot be encoded in an Optris reply")
    return value.to_bytes(2, "big")


def decode_value(reply: bytes) -> float:
    return (int.from_bytes(reply[:2], "big") - 1000) / 10


class OptrisParser(Parser):
    """Decodes 2-byte replies, but only as many as were requested; everything else counts as garbage."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        options = options or {}
        self.range_c = option_range(options, SENSOR_RANGE_C)
        self.mode = option_mode(options, MeasureMode.OBJECT)
        if self.mode is MeasureMode.BODY:
            raise ProtocolError("an Optris CT pyrometer measures a surface: use mode 'object' or 'surface'")
        self._pending = 0

    def expect(self, replies: int = 1) -> None:
        """A request was sent: the next ``replies`` × 2 bytes are answers, not junk."""
        self._pending += replies

    def feed(self, data: bytes) -> list[Item]:
        out: list[Item] = []
        for byte in data:
            if not self._pending:
                self.stats.garbage_bytes += 1
                continue
            self._buf.append(byte)
            if len(self._buf) < REPLY_LEN:
                continue
            reply = bytes(self._buf)
            self._buf.clear()
            self._pending -= 1
            celsius = decode_value(reply)
            if self.range_c[0] <= celsius <= self.range_c[1]:
                out.append(self._accept(make_reading(celsius, self.mode, reply)))
            else:
                self.stats.out_of_range += 1
        return out

    def flush(self) -> list[Item]:
        """Unanswered requests are forgotten: a late byte must not be glued to the next reply."""
        self._pending = 0
        return super().flush()

    def resync(self) -> None:
        self._pending = 0
        super().resync()


class OptrisDriver(RequestDriver):
    """Polls ``command`` (0x01 process or 0x81 actual temperature), addressed if ``address`` is set."""

    poll_interval = 0.1
    reply_timeout = 0.1
    parser: OptrisParser

    def start(self) -> None:
        command = option_int(self.options, "command", CMD_PROCESS_TEMPERATURE, 0, 0xFF)
        if command not in (CMD_PROCESS_TEMPERATURE, CMD_ACTUAL_TEMPERATURE):
            raise ProtocolError("Optris command must be 0x01 (process) or 0x81 (actual temperature)")
        address = self.options.get("address")
        prefix = (
            b"" if address is None else bytes([ADDRESS_BASE + option_int(self.options, "address", 0, 0, 79)])
        )
        self._request = prefix + bytes([command])
        super().start()

    def before_request(self) -> None:
        self.parser.flush()
        self.parser.expect()

    def request(self) -> bytes:
        return self._request

    def reply_length(self) -> int:
        return REPLY_LEN
