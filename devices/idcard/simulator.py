"""A GA 467 card reader that is not there: sample cards placed and taken away, corrupted frames mixed in.

:class:`CardResponder` answers find / select / read (and the SAM commands) the way a reader does; it plugs
into the thermometers' :class:`~devices.simulator.PtySimulator` (a real tty for end-to-end tests and the
bench) and :class:`~devices.simulator.SimulatedPort` (in memory, for ``--protocol ga467_simulator``).

Two modes.  ``cycle`` (default): the cards of ``cards`` are placed one after another, each staying for
``dwell`` find commands and followed by ``gap`` finds with an empty reader.  ``manual``: the reader is
empty until :meth:`CardResponder.present` places a card, and :meth:`CardResponder.remove` takes it away.
``corrupt_rate`` (default 0.15) is the share of replies damaged on the way: a flipped byte (bad checksum),
a cut frame, or noise in front of an intact frame.  Every sample card is fictional; the ID numbers carry
valid check digits so that they pass the same validator as a real card.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from devices.idcard import frame
from devices.idcard.card import TEXT_LENGTH, IdCard, encode_text_block
from devices.simulator import PtySimulator, Responder
from fever_desk.identity import check_digit
from fever_desk.model import Sex

PHOTO_LENGTH = 1024


def _card(
    name: str,
    sex: Sex,
    ethnic: str,
    first17: str,
    address: str,
    authority: str,
    valid: tuple[date, date | None],
) -> IdCard:
    born = date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    sex_code = "1" if sex is Sex.MALE else "2"
    number = first17 + check_digit(first17)
    return IdCard(name, sex, ethnic, born, address, number, authority, valid[0], valid[1], sex_code)


SAMPLE_CARDS: tuple[IdCard, ...] = (
    _card(
        "王小明",
        Sex.MALE,
        "01",
        "11010119900307001",
        "北京市东城区景山前街4号院2号楼301",
        "北京市公安局东城分局",
        (date(2015, 4, 1), date(2035, 4, 1)),
    ),
    _card(
        "阿依古丽·买买提",
        Sex.FEMALE,
        "05",
        "65010219851120002",
        "新疆乌鲁木齐市天山区解放南路100号",
        "乌鲁木齐市公安局天山区分局",
        (date(2016, 6, 1), date(2036, 6, 1)),
    ),
    _card(
        "李秀英",
        Sex.FEMALE,
        "01",
        "33010619500115004",
        "浙江省杭州市西湖区文三路88号",
        "杭州市公安局西湖区分局",
        (date(2012, 9, 3), None),
    ),
    _card(
        "陈建国",
        Sex.MALE,
        "03",
        "42010220010809003",
        "湖北省武汉市江岸区沿江大道66号",
        "武汉市公安局江岸区分局",
        (date(2016, 8, 20), date(2021, 8, 20)),
    ),
)


def read_reply(card: IdCard, photo: bytes = bytes(PHOTO_LENGTH)) -> bytes:
    """The 1295-byte frame a reader sends for ``30 01`` with ``card`` on it."""
    lengths = TEXT_LENGTH.to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    return frame.reply(frame.SW_OK, lengths + encode_text_block(card) + photo)


class CardResponder(Responder):
    """Answers GA 467 commands for the simulated reader (see the module docstring for the options)."""

    streaming = False

    def __init__(self, options: Mapping[str, Any] | None = None, cards: Sequence[IdCard] = ()) -> None:
        self.options = dict(options or {})
        seed = self.options.get("seed")
        self.rng = random.Random(None if seed is None else int(seed))
        self.cards = tuple(cards) or SAMPLE_CARDS
        self.manual = str(self.options.get("mode", "cycle")) == "manual"
        self.dwell = max(1, int(self.options.get("dwell", 4)))
        self.gap = max(1, int(self.options.get("gap", 2)))
        self.corrupt_rate = float(self.options.get("corrupt_rate", 0.15))
        self.photo = bytes(self.rng.getrandbits(8) for _ in range(PHOTO_LENGTH))
        self._parser = frame.FrameParser()
        self._lock = threading.Lock()
        self._card: IdCard | None = None if self.manual else self.cards[0]
        self._next = 1 % len(self.cards)
        self._finds_left = self.dwell
        self._failing = 0
        self._holding = False
        #: How many find commands came: lets a test wait until the station has polled an empty reader.
        self.finds = 0
        #: Every read reply sent intact, in order: what the station may legitimately decode.
        self.served: list[IdCard] = []

    def present(self, card: IdCard) -> None:
        with self._lock:
            self._card = card

    def remove(self) -> None:
        with self._lock:
            self._card = None

    def hold_reads(self, hold: bool = True) -> None:
        """Leave reads unanswered (a reader that hangs mid-read) until called with False."""
        with self._lock:
            self._holding = hold

    def fail_next_reads(self, count: int) -> None:
        """Answer the next ``count`` reads with SW 41 (read failed), as a card held askew does."""
        with self._lock:
            self._failing = count

    def respond(self, data: bytes) -> bytes:
        out = bytearray()
        for command in self._parser.feed(data):
            out += self._answer(command.body[:2], command.body[2:])
        return bytes(out)

    def _answer(self, cmd: bytes, data: bytes) -> bytes:
        with self._lock:
            if tuple(cmd) == frame.CMD_FIND:
                self.finds += 1
                if not self.manual:
                    self._advance()
            card = self._card
            failing = tuple(cmd) == frame.CMD_READ and self._failing > 0
            self._failing -= failing
            if tuple(cmd) == frame.CMD_READ and self._holding:
                return b""
        match tuple(cmd):
            case frame.CMD_FIND:
                reply = frame.reply(frame.SW_FOUND, bytes(4)) if card else frame.reply(frame.SW_NO_CARD)
            case frame.CMD_SELECT:
                reply = frame.reply(frame.SW_OK, bytes(8)) if card else frame.reply(frame.SW_SELECT_FAILED)
            case frame.CMD_READ:
                if card is None or failing:
                    return frame.reply(frame.SW_READ_FAILED)
                reply = read_reply(card, self.photo)
                damaged = self._damage(reply)
                if damaged == reply or damaged.endswith(reply):
                    self.served.append(card)
                return damaged
            case frame.CMD_RESET_SAM | frame.CMD_SAM_STATUS:
                reply = frame.reply(frame.SW_OK)
            case frame.CMD_SAM_ID:
                reply = frame.reply(frame.SW_OK, bytes(range(16)))
            case _:
                reply = frame.reply(0x21)
        return self._damage(reply)

    def _advance(self) -> None:
        """One find command passes: the card stays ``dwell`` finds, then the reader is empty ``gap`` finds."""
        if self._finds_left == 0:
            if self._card is not None:
                self._card, self._finds_left = None, self.gap
            else:
                self._card, self._finds_left = self.cards[self._next], self.dwell
                self._next = (self._next + 1) % len(self.cards)
        self._finds_left -= 1

    def _damage(self, reply: bytes) -> bytes:
        if self.corrupt_rate <= 0 or self.rng.random() >= self.corrupt_rate:
            return reply
        kind = self.rng.choice(("checksum", "cut", "noise"))
        if kind == "checksum":
            where = self.rng.randrange(len(frame.PREAMBLE) + 2, len(reply))
            return reply[:where] + bytes([reply[where] ^ (1 << self.rng.randrange(8))]) + reply[where + 1 :]
        if kind == "cut":
            return reply[: self.rng.randrange(1, len(reply))]
        noise = bytes(self.rng.choice((0x00, 0xFF, 0xAA, 0x96, 0x69)) for _ in range(self.rng.randint(1, 12)))
        return noise + reply


def card_pty(options: Mapping[str, Any] | None = None, **kwargs: Any) -> tuple[PtySimulator, CardResponder]:
    """A simulated reader on a new pty: ``(simulator, responder)``; ``simulator.path`` is the tty to open."""
    from devices.idcard.reader import SIMULATOR

    responder = CardResponder(options)
    return PtySimulator(SIMULATOR, options, responder=responder, **kwargs), responder
