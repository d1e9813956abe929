"""The resident-ID check (python-stdnum) against our own independent GB 11643 implementation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from fever_desk.documents import DocumentType, check_document, check_resident_id, legacy_to_18
from fever_desk.identity import InvalidIdNumber, check_digit, parse_resident_id
from fever_desk.model import Sex

TODAY = date(2020, 2, 10)
first17 = st.builds(
    lambda area, born, seq: f"{area:06d}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(date(1900, 1, 1), date(2020, 2, 10)),
    st.integers(0, 999),
)


@settings(max_examples=2000, deadline=None)
@given(first17)
def test_stdnum_and_identity_agree_on_the_check_digit(first: str) -> None:
    assert ric.calc_check_digit(first + "0") == check_digit(first)


@settings(max_examples=1000, deadline=None)
@given(first17, st.sampled_from("0123456789X"))
def test_both_accept_and_refuse_the_same_numbers(first: str, last: str) -> None:
    number = first + last
    try:
        ours = parse_resident_id(number, today=TODAY)
    except InvalidIdNumber as exc:
        with pytest.raises(InvalidIdNumber) as theirs:
            check_resident_id(number, today=TODAY)
        assert str(theirs.value) == str(exc)
    else:
        checked = check_resident_id(number, today=TODAY)
        assert (checked.number, checked.birth_date, checked.sex) == (ours.number, ours.birth_date, ours.sex)


@settings(max_examples=500, deadline=None)
@given(st.integers(110000, 659999), st.dates(date(1900, 1, 1), date(1999, 12, 31)), st.integers(0, 999))
def test_legacy_15_digit_numbers_convert_like_identity_does(area: int, born: date, seq: int) -> None:
    legacy = f"{area:06d}{born:%y%m%d}{seq:03d}"
    converted = legacy_to_18(legacy)
    assert converted == parse_resident_id(legacy, today=TODAY).number
    assert check_resident_id(legacy, today=TODAY).number == converted


def test_a_known_number_reads_sex_birth_date_and_region() -> None:
    checked = check_resident_id("11010119800101001" + check_digit("11010119800101001"), today=TODAY)
    assert checked.sex is Sex.MALE and checked.birth_date == date(1980, 1, 1)
    assert checked.region.startswith("北京")


def test_a_district_newer_than_its_resident_is_not_refused() -> None:
    # 浦东新区 (310115) dates from 1993; stdnum's place table would call a 1980 birth there invalid.
    first = "31011519800101002"
    checked = check_resident_id(first + check_digit(first), today=TODAY)
    assert checked.sex is Sex.FEMALE


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        (DocumentType.HK_MACAU_PERMIT, "H12345678", True),
        (DocumentType.HK_MACAU_PERMIT, "m1234567890", True),
        (DocumentType.HK_MACAU_PERMIT, "X12345678", False),
        (DocumentType.TAIWAN_PERMIT, "12345678", True),
        (DocumentType.TAIWAN_PERMIT, "1234", False),
        (DocumentType.PASSPORT, "E12345678", True),
        (DocumentType.PASSPORT, "E1", False),
        (DocumentType.RESIDENT_ID, "", False),
    ],
)
def test_other_documents_get_a_format_check(kind: DocumentType, number: str, ok: bool) -> None:
    checked, problem = check_document(kind, number, today=TODAY)
    assert (checked is not None) is ok and bool(problem) is not ok
