"""The 256-byte text block of a second-generation resident ID card, and the :class:`IdCard` read from it.

The block is UCS-2 little-endian in fixed-width fields padded with spaces (GA 467).  The reader's SAM has
already authenticated the card, so what can go wrong here is the serial line, and GA 467 guards a
1295-byte reply with one XOR byte, which misses two byte errors that cancel.  So every field is also
checked on its own and against the others: the ID number by the project's GB 11643 validator, the birth
date and sex printed on the card against those inside the number, real calendar dates, known codes, no
control characters.  A block failing any check is a :class:`CardDataError`, reported as a failed read and
never turned into a card.  What no check can see is a changed character in the name or the address whose
error the XOR cancels: GA 467 gives nothing to detect it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from fever_desk.identity import InvalidIdNumber, mask_id, mask_name, parse_resident_id
from fever_desk.model import Sex

TEXT_LENGTH = 256
#: (field, width in bytes) in the order the card stores them; each width is two bytes per character.
LAYOUT: tuple[tuple[str, int], ...] = (
    ("name", 30),
    ("sex", 2),
    ("ethnic", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_until", 16),
    ("reserved", 36),
)
LONG_TERM = "长期"
#: fever_desk.identity's own message, so the desk translates it like a typed number's.
_EIGHTEEN = "An ID number has 18 characters: 17 digits and a digit or X."

#: GB 3304 ethnic group codes as the card prints them ("汉", not "汉族"), plus GA 467's 97 and 98.
_GB3304 = (
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)
ETHNIC_GROUPS: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(_GB3304, start=1)} | {
    "97": "其他",
    "98": "外国血统",
}

_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "9": Sex.UNKNOWN}
#: Control, format, surrogate and unassigned code points never appear on a card.  Private-use ones do:
#: rare characters in names (生僻字) are stored in the private-use area.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Cn"}


class CardDataError(ValueError):
    """The text block is not a card's.  ``str()`` is a fixed short English reason (see :data:`REASONS`)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        #: The validator's own message for a bad ID number (an English source string), else "".
        self.detail = detail


#: Every reason :class:`CardDataError` carries, so the edge that translates them can list each one.
REASONS: tuple[str, ...] = (
    "the card's text is not valid UCS-2",
    "a field of the card contains control characters",
    "the card has no name",
    "the card's sex code is unknown",
    "the card's ethnic group code is unknown",
    "the card's birth date is not a date",
    "the card's ID number failed the check",
    "the card's birth date or sex disagrees with its ID number",
    "the card has no issuing authority",
    "the card's validity dates are not dates",
    "the card's validity ends before it starts",
)


@dataclass(frozen=True)
class IdCard:
    """What a resident ID card says about its holder (the photo is not decoded: it needs a licensed decoder).

    ``valid_until`` is None for a card valid for life (长期).  ``repr`` masks the name and the ID number,
    so a card that reaches a log line (a failing callback is logged with its item) does not leak them.
    """

    name: str
    sex: Sex
    ethnic_code: str
    birth_date: date
    address: str
    id_number: str
    authority: str
    valid_from: date
    valid_until: date | None
    sex_code: str = ""

    @property
    def ethnic_group(self) -> str:
        """The group's name as the card prints it, e.g. "汉", "维吾尔", "其他"."""
        return ETHNIC_GROUPS[self.ethnic_code]

    @property
    def long_term(self) -> bool:
        return self.valid_until is None

    def expired_on(self, day: date) -> bool:
        """True once ``day`` is past the last day of validity; a 长期 card never expires."""
        return self.valid_until is not None and day > self.valid_until

    def __repr__(self) -> str:
        return f"IdCard(name={mask_name(self.name)!r}, id_number={mask_id(self.id_number)!r})"


def split_fields(block: bytes) -> dict[str, str]:
    """The block's fields as text, trailing padding removed; raises CardDataError for undecodable text."""
    if len(block) != TEXT_LENGTH:
        raise CardDataError("the card's text is not valid UCS-2")
    fields: dict[str, str] = {}
    offset = 0
    for name, width in LAYOUT:
        try:
            text = block[offset : offset + width].decode("utf-16-le")
        except UnicodeDecodeError:
            raise CardDataError("the card's text is not valid UCS-2") from None
        fields[name] = text.rstrip(" \x00")
        offset += width
    return fields


def parse_text_block(block: bytes, *, today: date | None = None) -> IdCard:
    """Decode and check the 256-byte text block; every inconsistency raises :class:`CardDataError`."""
    fields = split_fields(block)
    del fields["reserved"]
    for value in fields.values():
        if any(unicodedata.category(c) in _FORBIDDEN_CATEGORIES for c in value):
            raise CardDataError("a field of the card contains control characters")
    name = fields["name"].strip()
    if not name:
        raise CardDataError("the card has no name")
    if fields["sex"] not in _SEX:
        raise CardDataError("the card's sex code is unknown")
    if fields["ethnic"] not in ETHNIC_GROUPS:
        raise CardDataError("the card's ethnic group code is unknown")
    birth = _date(fields["birth"], "the card's birth date is not a date")
    try:
        resident = parse_resident_id(fields["id_number"], today=today or date.today())
    except InvalidIdNumber as exc:
        raise CardDataError("the card's ID number failed the check", str(exc)) from None
    if resident.number != fields["id_number"]:  # a 15-digit number converted: never on a 2nd-gen card
        raise CardDataError(
            "the card's ID number failed the check",
            "An ID number has 18 characters: 17 digits and a digit or X.",
        )
    sex = _SEX[fields["sex"]]
    if resident.birth_date != birth or (sex is not Sex.UNKNOWN and sex is not resident.sex):
        raise CardDataError("the card's birth date or sex disagrees with its ID number")
    authority = fields["authority"].strip()
    if not authority:
        raise CardDataError("the card has no issuing authority")
    valid_from = _date(fields["valid_from"], "the card's validity dates are not dates")
    valid_until = (
        None
        if fields["valid_until"] == LONG_TERM
        else _date(fields["valid_until"], "the card's validity dates are not dates")
    )
    if valid_until is not None and valid_until <= valid_from:
        raise CardDataError("the card's validity ends before it starts")
    return IdCard(
        name=name,
        sex=sex,
        ethnic_code=fields["ethnic"],
        birth_date=birth,
        address=fields["address"].strip(),
        id_number=resident.number,
        authority=authority,
        valid_from=valid_from,
        valid_until=valid_until,
        sex_code=fields["sex"],
    )


def encode_text_block(card: IdCard) -> bytes:
    """The block a reader sends for ``card`` (the simulator and the tests use it; the station never does)."""
    values = {
        "name": card.name,
        "sex": card.sex_code or {Sex.MALE: "1", Sex.FEMALE: "2"}.get(card.sex, "0"),
        "ethnic": card.ethnic_code,
        "birth": card.birth_date.strftime("%Y%m%d"),
        "address": card.address,
        "id_number": card.id_number,
        "authority": card.authority,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_until": LONG_TERM if card.valid_until is None else card.valid_until.strftime("%Y%m%d"),
        "reserved": "",
    }
    out = bytearray()
    for name, width in LAYOUT:
        raw = values[name].encode("utf-16-le")
        if len(raw) > width:
            raise ValueError(f"{name} {values[name]!r} does not fit in {width // 2} characters")
        out += raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)
    return bytes(out)


def _date(text: str, reason: str) -> date:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise CardDataError(reason)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise CardDataError(reason) from None
