"""Resident ID numbers (GB 11643-1999), mobile phones, and masking for lists and slips."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fever_desk.model import Sex
from fever_desk.problems import Problem

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdNumber(Problem, ValueError):
    """A resident ID number refused, raised with the reason's template (a catalogue key, no values)."""


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: Sex


def parse_resident_id(raw: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-digit number (or convert a legacy 15-digit one) and read birth date and sex from it."""
    number = raw.strip().upper().replace(" ", "")
    if len(number) == 15 and number.isdigit():
        number = number[:6] + "19" + number[6:]
        number += check_digit(number)
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise InvalidIdNumber("An ID number has 18 characters: 17 digits and a digit or X.")
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("The ID number's check digit does not match; please check each digit.")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("The birth date inside the ID number is not a real date.") from None
    if born > (today or date.today()) or born.year < 1880:
        raise InvalidIdNumber("The birth date inside the ID number is not a real date.")
    return ResidentId(number, born, Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)


def is_mobile(phone: str) -> bool:
    return bool(_MOBILE.match(phone.strip()))


def mask_id(number: str) -> str:
    """4301**********123X: region and the last four stay, enough to tell two people apart at the counter."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张*, 王*明, 欧**锋: the first character and, from three on, the last.  Enough to tell two people apart
    in a list or a terminal; not enough to identify someone from a log line."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
