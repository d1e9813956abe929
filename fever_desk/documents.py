"""Identity documents a pharmacy purchaser may show, and the checks on their numbers.

The resident ID (GB 11643-1999) is checked with python-stdnum's ``stdnum.cn.ric`` (a maintained library
used well beyond this project) for the format, the MOD 11-2 check digit and the birth date; the tests
cross-check it against our own ``fever_desk.identity`` over many generated numbers, so a fault in either
shows up as a disagreement.  stdnum's *birth place* check is deliberately not used to refuse a number:
its area-code table is dated by the year of birth, so a person born in 1980 in a district created in
1993 (浦东新区 310115, for one) carries a perfectly real number that it calls invalid, and a pharmacist
cannot send a customer away for that.  The region, when known, is only shown.

Permits and passports have no check digit; their numbers get a format check loose enough for every series
issued since the 1990s, so a real document is never refused at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fever_desk.i18n import tr
from fever_desk.identity import InvalidIdNumber
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


def legacy_to_18(number: str) -> str:
    """A 15-digit number (GB 11643-1989: two-digit year, no check digit) as its 18-digit form."""
    from stdnum.cn import ric  # stdnum pulls in ssl and pydoc: loaded at the first ID checked, not at start

    first17 = number[:6] + "19" + number[6:]
    return first17 + ric.calc_check_digit(first17 + "0")


def check_resident_id(raw: str, *, today: date) -> CheckedDocument:
    """Validate with stdnum (see the module docstring); raises ``InvalidIdNumber`` with an English message.

    The messages are ``fever_desk.identity``'s, so both checks speak with one voice in every language.
    """
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    number = compact(raw)
    if len(number) == 15 and number.isdigit():
        number = legacy_to_18(number)
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise InvalidIdNumber("An ID number has 18 characters: 17 digits and a digit or X.")
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidIdNumber("The ID number's check digit does not match; please check each digit.")
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        raise InvalidIdNumber("The birth date inside the ID number is not a real date.") from None
    if born > today or born.year < 1880:
        raise InvalidIdNumber("The birth date inside the ID number is not a real date.")
    return CheckedDocument(
        DocumentType.RESIDENT_ID,
        number,
        Sex.MALE if int(number[16]) % 2 else Sex.FEMALE,
        born,
        region_of(number),
    )


def region_of(number: str) -> str:
    """ "湖北省武汉市江岸区" when stdnum knows the area code, else "" (never a reason to refuse)."""
    from stdnum.cn import ric
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
            return None, _translated_id_problem(str(exc))
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


def _translated_id_problem(message: str) -> str:
    """Translate identity's messages through literals, so the catalogue test sees every one."""
    known = {
        "An ID number has 18 characters: 17 digits and a digit or X.": tr(
            "An ID number has 18 characters: 17 digits and a digit or X."
        ),
        "The ID number's check digit does not match; please check each digit.": tr(
            "The ID number's check digit does not match; please check each digit."
        ),
        "The birth date inside the ID number is not a real date.": tr(
            "The birth date inside the ID number is not a real date."
        ),
    }
    return known.get(message, message)
