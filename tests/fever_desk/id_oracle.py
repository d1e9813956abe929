"""An independent resident-ID check for the tests: python-stdnum's ``stdnum.cn.ric``.

The station validates with its one implementation, :func:`fever_desk.identity.parse_resident_id`.  This
oracle was the pharmacy's own copy until both counters shared that one; it stays here, built on a
maintained library rather than on our code, so a property test can pit the two against each other.
Its reasons are identity's templates, so a disagreement about *why* a number is refused shows up too.
"""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from fever_desk.identity import InvalidIdNumber
from fever_desk.model import Sex


def oracle_resident_id(raw: str, *, today: date) -> tuple[str, date, Sex]:
    """(number as stored, birth date, sex), or :class:`InvalidIdNumber` with the reason."""
    number = raw.strip().upper().replace(" ", "")
    if len(number) == 15 and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        number = first17 + ric.calc_check_digit(first17 + "0")
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
    return number, born, Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
