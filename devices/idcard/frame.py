"""GA 467 frames: ``AA AA AA 96 69``, a 2-byte big-endian length, the body, one XOR checksum byte.

The length counts every byte after it, the checksum included; the checksum is the XOR of the length and
body bytes.  Commands carry ``CMD PARA [data]`` as body, replies ``SW1 SW2 SW3 [data]``, so one codec and
one incremental parser serve both directions (the station parses replies, the simulator commands).

The parser follows the thermometer parsers' contract (:class:`devices.base.Parser`): the output does not
depend on how the stream is chunked, junk before a preamble is skipped and counted, a frame whose checksum
fails is dropped and the scan resumes one byte later (so a real frame hidden behind a false preamble is
still found), and it never raises on any input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from devices.base import Parser

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LENGTH = len(PREAMBLE) + 2
#: A command is ``CMD PARA`` + checksum; the largest reply (text, photo and fingerprints) is about 0x0910.
MIN_LENGTH = 3
MAX_LENGTH = 0x0A00

SW_OK = 0x90
SW_FOUND = 0x9F
SW_NO_CARD = 0x80
SW_SELECT_FAILED = 0x81
SW_READ_FAILED = 0x41
SW_SAM_SELF_TEST_FAILED = 0x60

#: SW3 codes of GA 467 with a short English reason each.  9F/80/90/81/41/60 are the ones the reference
#: sheet lists; the rest are as vendor SDK documents reproduce the standard's table.
STATUS: dict[int, str] = {
    0x10: "the reader got a command with a bad checksum",
    0x11: "the reader got a command with a bad length",
    0x21: "the reader did not recognise the command",
    0x23: "operation not permitted by the reader",
    0x24: "the reader reported an unidentified error",
    0x31: "the card failed to authenticate the reader's security module",
    0x32: "the reader's security module failed to authenticate the card",
    0x33: "the card's data failed verification",
    0x40: "not a resident ID card",
    SW_READ_FAILED: "reading the card failed: hold it still on the reader",
    0x47: "the reader could not get a random number from the card",
    SW_SAM_SELF_TEST_FAILED: "the reader's security module failed its self-test",
    0x66: "the reader's security module is not authorised",
    SW_NO_CARD: "no card on the reader",
    SW_SELECT_FAILED: "the card could not be selected: place it flat on the reader",
    0x91: "the card has no content for this item",
}

CMD_FIND = (0x20, 0x01)
CMD_SELECT = (0x20, 0x02)
CMD_READ = (0x30, 0x01)
CMD_RESET_SAM = (0x10, 0xFF)
CMD_SAM_STATUS = (0x11, 0xFF)
CMD_SAM_ID = (0x12, 0xFF)


def checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode(body: bytes) -> bytes:
    """A whole frame around ``body`` (a command's ``CMD PARA …`` or a reply's ``SW1 SW2 SW3 …``)."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def command(cmd: tuple[int, int], data: bytes = b"") -> bytes:
    return encode(bytes(cmd) + data)


def reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return encode(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Frame:
    """One checksum-valid frame.  For a reply ``sw3`` is the status and ``data`` what follows it."""

    body: bytes
    raw: bytes

    @property
    def sw3(self) -> int:
        return self.body[2] if len(self.body) >= 3 else -1

    @property
    def data(self) -> bytes:
        return self.body[3:]


class FrameParser(Parser):
    """Finds frames in a byte stream; ``feed`` returns the complete, checksum-valid ones."""

    def feed(self, data: bytes) -> list[Frame]:  # type: ignore[override]  # frames, not thermometer items
        self._buf.extend(data)
        buf = self._buf
        out: list[Frame] = []
        while True:
            start = buf.find(PREAMBLE)
            if start < 0:
                keep = _partial_preamble(buf)
                self.stats.garbage_bytes += len(buf) - keep
                del buf[: len(buf) - keep]
                return out
            if start:
                self.stats.garbage_bytes += start
                del buf[:start]
            if len(buf) < HEADER_LENGTH:
                return out
            length = int.from_bytes(buf[5:7], "big")
            if not MIN_LENGTH <= length <= MAX_LENGTH:
                self.stats.malformed += 1
                self._skip_one()
                continue
            total = HEADER_LENGTH + length
            if len(buf) < total:
                return out
            if checksum(buf[5 : total - 1]) != buf[total - 1]:
                self.stats.bad_checksum += 1
                self._skip_one()
                continue
            frame = Frame(bytes(buf[HEADER_LENGTH : total - 1]), bytes(buf[:total]))
            del buf[:total]
            self.stats.frames += 1
            out.append(frame)

    def _skip_one(self) -> None:
        self.stats.garbage_bytes += 1
        del self._buf[:1]


def _partial_preamble(buf: bytearray) -> int:
    """How many bytes at the end of ``buf`` could be the start of a preamble still arriving."""
    for keep in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
        if buf.endswith(PREAMBLE[:keep]):
            return keep
    return 0
