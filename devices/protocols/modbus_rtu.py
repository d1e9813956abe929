"""Modbus RTU infrared sensors (e.g. Diwell CT200): function 0x03, read holding registers.

Defaults follow the documented example: slave 1, start register 1200 (0x04B0), count 2 (object and
ambient), signed 16-bit big-endian, scale 0.1 °C, 19200 baud.  The CRC-16/MODBUS comes from pymodbus
(``FramerRTU.compute_CRC``), a maintained Modbus stack, rather than a hand-written table.  Framing and
resynchronisation are done here because the station needs per-byte junk skipping and drop counters that a
client library does not expose.  An exception response (function 0x83) becomes a :class:`DeviceError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devices.base import (
    DeviceError,
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

NAME = "modbus_rtu"
BAUDRATE = 19200
READ_HOLDING = 0x03
EXCEPTION_BIT = 0x80
EXCEPTION_LEN = 5
SENSOR_RANGE_C = (-70.0, 1000.0)
EXCEPTIONS = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "slave device failure",
    5: "acknowledge",
    6: "slave device busy",
    11: "gateway target failed to respond",
}


def crc(data: bytes) -> bytes:
    """CRC-16/MODBUS of ``data`` as sent on the wire (low byte first).

    pymodbus is imported here, not at the top: it costs more to import than the desk's whole window, and
    most stations never speak Modbus.
    """
    from pymodbus.framer import FramerRTU

    return FramerRTU.compute_CRC(bytes(data)).to_bytes(2, "big")


def encode_request(slave: int, register: int, count: int) -> bytes:
    body = bytes([slave, READ_HOLDING]) + register.to_bytes(2, "big") + count.to_bytes(2, "big")
    return body + crc(body)


def encode_response(slave: int, registers: list[int]) -> bytes:
    """A read-holding-registers response; ``registers`` are raw 16-bit words (used by simulator/tests)."""
    data = b"".join((r & 0xFFFF).to_bytes(2, "big") for r in registers)
    body = bytes([slave, READ_HOLDING, len(data)]) + data
    return body + crc(body)


def encode_exception(slave: int, code: int) -> bytes:
    body = bytes([slave, READ_HOLDING | EXCEPTION_BIT, code])
    return body + crc(body)


class ModbusSettings:
    """The options shared by parser and driver, validated once."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.slave = option_int(options, "slave", 1, 1, 247)
        self.register = option_int(options, "register", 1200, 0, 0xFFFF)
        self.count = option_int(options, "count", 2, 1, 125)
        self.index = option_int(options, "index", 0, 0, self.count - 1)
        self.signed = bool(options.get("signed", True))
        try:
            self.scale = float(options.get("scale", 0.1))
        except (TypeError, ValueError) as exc:
            raise ProtocolError(f"scale must be a number, got {options.get('scale')!r}") from exc
        if self.scale == 0:
            raise ProtocolError("scale must not be zero")
        self.mode = option_mode(options, MeasureMode.OBJECT)
        self.range_c = option_range(options, SENSOR_RANGE_C)

    @property
    def response_len(self) -> int:
        return 5 + 2 * self.count


class ModbusRtuParser(Parser):
    """Looks for ``slave 03 2n`` or ``slave 83`` and decides once the whole candidate is buffered."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.settings = ModbusSettings(options or {})

    def feed(self, data: bytes) -> list[Item]:
        self._buf.extend(data)
        buf = self._buf
        s = self.settings
        out: list[Item] = []
        i = 0
        while i < len(buf):
            if buf[i] != s.slave:
                self.stats.garbage_bytes += 1
                i += 1
                continue
            if len(buf) - i < 3:
                break
            function, third = buf[i + 1], buf[i + 2]
            if function == READ_HOLDING and third == 2 * s.count:
                length = s.response_len
            elif function == READ_HOLDING | EXCEPTION_BIT:
                length = EXCEPTION_LEN
            else:
                self.stats.garbage_bytes += 1
                i += 1
                continue
            if len(buf) - i < length:
                break
            frame = bytes(buf[i : i + length])
            if crc(frame[:-2]) != frame[-2:]:
                self.stats.bad_checksum += 1
                i += 1
                continue
            item = self._decode(frame)
            i += length
            if item is not None:
                out.append(self._accept(item))
        del buf[:i]
        return out

    def _decode(self, frame: bytes) -> Item | None:
        s = self.settings
        if frame[1] & EXCEPTION_BIT:
            code = frame[2]
            return DeviceError(code, f"Modbus exception {code} ({EXCEPTIONS.get(code, 'unknown')})", frame)
        offset = 3 + 2 * s.index
        value = int.from_bytes(frame[offset : offset + 2], "big", signed=s.signed)
        celsius = value * s.scale
        if not s.range_c[0] <= celsius <= s.range_c[1]:
            self.stats.out_of_range += 1
            return None
        return make_reading(celsius, s.mode, frame)


class ModbusRtuDriver(RequestDriver):
    """Sends one read-holding-registers request per poll and waits for ``5 + 2·count`` bytes."""

    poll_interval = 0.25
    reply_timeout = 0.3

    def start(self) -> None:
        s = ModbusSettings(self.options)
        self._request = encode_request(s.slave, s.register, s.count)
        self._reply_len = s.response_len
        super().start()

    def request(self) -> bytes:
        return self._request

    def reply_length(self) -> int:
        return self._reply_len
