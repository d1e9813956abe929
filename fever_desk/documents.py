"""Identity documents a pharmacy purchaser may show, and the checks on their numbers.

The resident ID (GB 11643-1999) is checked by the station's one validator,
:func:`fever_desk.identity.parse_resident_id` (format, MOD 11-2 check digit, birth date), the same as at
the screening desk; the tests cross-check it against python-stdnum's ``stdnum.cn.ric`` (a maintained
library used well beyond this project) over many generated numbers, so a fault shows up as a
disagreement.  stdnum here only names the region, which is shown and never a reason to refuse: its
area-code table is dated by the year of birth, so a person born in 1980 in a district created in 1993
(浦东新区 310115, for one) carries a perfectly real number that it calls invalid, and a pharmacist cannot
send a customer away for that.

Permits and passports have no check digit; their numbers get a format check loose enough for every series
issued since the 1990s, so a real document is never refused at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fever_desk.i18n import tr
from fever_desk.identity import InvalidIdNumber, parse_resident_id
from fever_desk.model import Sex


class DocumentType(StrEnum):
    RESIDENT_ID = "resident_id"
    HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    PASSPORT = "passport"


#: The regulator's sheet is in Chinese whatever the UI language is, so these are fixed, not translated.
DOCUMENT_LABELS_ZH = {
    DocumentType.RESIDENT_ID: "居民身份证",
    DocumentType.HK_MACAU_PERMIT: "港澳居民来往内地通行证",
    DocumentType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    DocumentType.PASSPORT: "护照",
}

_HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN = re.compile(r"^(\d{8}|\d{10}|[A-Z0-9]{10}(\([A-Z]\))?)$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


def document_label(kind: DocumentType) -> str:
    """The document's name in the UI language."""
    labels = {
        DocumentType.RESIDENT_ID: tr("Resident ID card"),
        DocumentType.HK_MACAU_PERMIT: tr("Hong Kong/Macau home-return permit"),
        DocumentType.TAIWAN_PERMIT: tr("Taiwan compatriot permit"),
        DocumentType.PASSPORT: tr("Passport"),
    }
    return labels[kind]


@dataclass(frozen=True)
class CheckedDocument:
    """A document number as it will be stored, with what the number itself says about its holder."""

    kind: DocumentType
    number: str
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    region: str = ""


def compact(raw: str) -> str:
    """Upper case, no spaces or dashes: the form in which numbers are stored and compared."""
    return re.sub(r"[\s\-]", "", raw).upper()


def check_resident_id(raw: str, *, today: date) -> CheckedDocument:
    """The resident ID as stored (a 15-digit one converted), with sex, birth date and region.

    Raises :class:`fever_desk.identity.InvalidIdNumber` (see the module docstring).
    """
    resident = parse_resident_id(compact(raw), today=today)
    return CheckedDocument(
        DocumentType.RESIDENT_ID,
        resident.number,
        resident.sex,
        resident.birth_date,
        region_of(resident.number),
    )


def region_of(number: str) -> str:
    """ "湖北省武汉市江岸区" when stdnum knows the area code, else "" (never a reason to refuse)."""
    from stdnum.cn import ric  # stdnum pulls in ssl and pydoc: loaded at the first ID checked, not at start
    from stdnum.exceptions import ValidationError

    try:
        info = ric.get_birth_place(number)
    except (ValidationError, KeyError, ValueError):
        return ""
    return "".join(info.get(part, "") for part in ("province", "city", "county"))


def check_document(kind: DocumentType, raw: str, *, today: date) -> tuple[CheckedDocument | None, str]:
    """The checked document, or ``None`` and the problem already translated into the UI language."""
    kind = DocumentType(kind)  # Qt item data hands back the plain string
    number = compact(raw)
    if not number:
        return None, tr("Enter the document number.")
    if kind is DocumentType.RESIDENT_ID:
        try:
            return check_resident_id(number, today=today), ""
        except InvalidIdNumber as exc:
            return None, exc.localized()
    patterns = {
        DocumentType.HK_MACAU_PERMIT: (
            _HK_MACAU,
            tr("A Hong Kong/Macau permit number is H or M followed by 8 or 10 digits."),
        ),
        DocumentType.TAIWAN_PERMIT: (_TAIWAN, tr("A Taiwan permit number has 8 or 10 characters.")),
        DocumentType.PASSPORT: (_PASSPORT, tr("A passport number has 5 to 17 letters and digits.")),
    }
    pattern, problem = patterns[kind]
    if not pattern.match(number):
        return None, problem
    return CheckedDocument(kind, number), ""
