"""LU90614-type body-temperature modules (9600 8N1), common in kiosks and wall-mounted screeners.

Commands are 3 bytes whose last byte is the sum of the first two: ``FA C5 BF`` body mode, ``FA C6 C0``
object mode, ``FA CA C4`` measure.  A reply is 9 bytes: ``FE``, mode (``AC`` body, ``AA`` object),
integer °C, hundredths, four bytes the vendor documents do not pin down, and a checksum equal to the sum
of bytes 0-7.  A reply whose checksum holds but whose mode byte is neither ``AC`` nor ``AA`` is not a
temperature; it is reported as a :class:`DeviceError` carrying that byte, so support can see it.
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
    option_mode,
    option_range,
)
from fever_desk.model import MeasureMode

NAME = "lu90614"
BAUDRATE = 9600
HEADER = 0xFE
FRAME_LEN = 9
MODE_BODY = 0xAC
MODE_OBJECT = 0xAA
CMD_BODY = bytes([0xFA, 0xC5, 0xBF])
CMD_OBJECT = bytes([0xFA, 0xC6, 0xC0])
CMD_MEASURE = bytes([0xFA, 0xCA, 0xC4])
#: The MLX90614 die inside these modules is rated −70…380 °C; anything else is a corrupt frame.
SENSOR_RANGE_C = (-70.0, 380.0)

_MODES = {MODE_BODY: MeasureMode.BODY, MODE_OBJECT: MeasureMode.OBJECT}


def checksum(frame: bytes) -> int:
    return sum(frame[:8]) & 0xFF


def encode_reply(celsius: float, mode: MeasureMode = MeasureMode.BODY, tail: bytes = b"\x00" * 4) -> bytes:
    """A reply frame as the module sends it (used by the simulator and by tests)."""
    hundredths = round(celsius * 100)
    whole, frac = divmod(hundredths, 100)
    if not 0 <= whole <= 255:
        raise ValueError(f"{celsius} °C cannot be encoded in an LU90614 frame")
    mode_byte = MODE_BODY if mode is MeasureMode.BODY else MODE_OBJECT
    body = bytes([HEADER, mode_byte, whole, frac]) + bytes(tail[:4]).ljust(4, b"\x00")
    return body + bytes([checksum(body)])


def encode_status(code: int) -> bytes:
    """A checksum-valid frame with a non-temperature mode byte: how the simulator fakes a device error."""
    body = bytes([HEADER, code & 0xFF, 0, 0, 0, 0, 0, 0])
    return body + bytes([checksum(body)])


class Lu90614Parser(Parser):
    """Scans for ``FE`` and decides on a candidate only once all 9 bytes are in, so chunking is irrelevant."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.range_c = option_range(options or {}, SENSOR_RANGE_C)

    def feed(self, data: bytes) -> list[Item]:
        self._buf.extend(data)
        buf = self._buf
        out: list[Item] = []
        i = 0
        while i < len(buf):
            if buf[i] != HEADER:
                self.stats.garbage_bytes += 1
                i += 1
                continue
            if len(buf) - i < FRAME_LEN:
                break
            frame = bytes(buf[i : i + FRAME_LEN])
            if checksum(frame) != frame[8]:
                self.stats.bad_checksum += 1
                i += 1
                continue
            item = self._decode(frame)
            if item is None:
                i += 1
                continue
            out.append(self._accept(item))
            i += FRAME_LEN
        del buf[:i]
        return out

    def _decode(self, frame: bytes) -> Item | None:
        mode = _MODES.get(frame[1])
        if mode is None:
            return DeviceError(frame[1], f"LU90614 status byte 0x{frame[1]:02X}", frame)
        if frame[3] > 99:
            self.stats.malformed += 1
            return None
        celsius = frame[2] + frame[3] / 100
        if not self.range_c[0] <= celsius <= self.range_c[1]:
            self.stats.out_of_range += 1
            return None
        return make_reading(celsius, mode, frame)


class Lu90614Driver(RequestDriver):
    """Sets the module's mode once (``mode`` option, default body), then sends ``FA CA C4`` each poll."""

    poll_interval = 0.5
    reply_timeout = 0.5

    def start(self) -> None:
        mode = option_mode(self.options, MeasureMode.BODY)
        if mode not in (MeasureMode.BODY, MeasureMode.OBJECT):
            raise ProtocolError("an LU90614 module measures in body or object mode only")
        self.port.write(CMD_BODY if mode is MeasureMode.BODY else CMD_OBJECT)
        # Whatever the module answers to the mode command is not a measurement: drop it before polling.
        self.port.read(FRAME_LEN)
        super().start()

    def request(self) -> bytes:
        return CMD_MEASURE

    def reply_length(self) -> int:
        return FRAME_LEN
