from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fever_desk.identity import (
    InvalidIdNumber,
    check_digit,
    mask_id,
    mask_phone,
    parse_resident_id,
)
from fever_desk.model import Sex


def independent_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 computed from powers of two, not the weight table the module uses."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_matches_independent_mod11_2(first17: str) -> None:
    assert check_digit(first17) == independent_check(first17)


def test_known_number_parses_with_birth_date_and_sex() -> None:
    rid = parse_resident_id("11010519491231002X")
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex is Sex.FEMALE


def test_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidIdNumber, match="check digit"):
        parse_resident_id("110105194912310021")


def test_legacy_15_digit_number_is_converted() -> None:
    rid = parse_resident_id("110105491231002")
    assert rid.number == "11010519491231002X"
    assert rid.sex is Sex.FEMALE


@pytest.mark.parametrize("raw", ["1234", "11010519491331002X", "ABCDEFGHIJKLMNOPQR", "110105209912310026"])
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdNumber):
        parse_resident_id(raw, today=date(2020, 2, 1))


def test_masking_keeps_region_and_last_four() -> None:
    assert mask_id("43010219800101123X") == "4301**********123X"
    assert mask_phone("13812345678") == "138****5678"
