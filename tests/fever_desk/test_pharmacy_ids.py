"""The station's one resident-ID validator against an independent oracle (python-stdnum), and the
pharmacy's other documents."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from fever_desk.documents import DocumentType, check_document, check_resident_id
from fever_desk.identity import InvalidIdNumber, check_digit, parse_resident_id
from fever_desk.model import Sex
from tests.fever_desk.id_oracle import oracle_resident_id

TODAY = date(2020, 2, 10)
first17 = st.builds(
    lambda area, born, seq: f"{area:06d}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(date(1850, 1, 1), date(2030, 12, 31)),
    st.integers(0, 999),
)
#: Dates that are not dates (month 13, 31 February …) and typing slips of every kind.
any17 = st.text(alphabet="0123456789", min_size=17, max_size=17)
last = st.sampled_from("0123456789Xx")


def numbers() -> st.SearchStrategy[str]:
    valid = first17.map(lambda f: f + check_digit(f))
    typed = st.builds(lambda f, c: f + c, st.one_of(first17, any17), last)
    legacy = st.text(alphabet="0123456789", min_size=15, max_size=15)
    odd = st.text(alphabet="0123456789X -", min_size=0, max_size=20)
    return st.one_of(valid, typed, legacy, odd)


@settings(max_examples=2000, deadline=None)
@given(first17)
def test_stdnum_and_identity_agree_on_the_check_digit(first: str) -> None:
    assert ric.calc_check_digit(first + "0") == check_digit(first)


@settings(max_examples=3000, deadline=None)
@given(numbers())
def test_the_validator_and_the_oracle_accept_and_refuse_the_same_numbers(raw: str) -> None:
    try:
        expected = oracle_resident_id(raw, today=TODAY)
    except InvalidIdNumber as refused:
        with pytest.raises(InvalidIdNumber) as ours:
            parse_resident_id(raw, today=TODAY)
        assert ours.value.template == refused.template  # refused for the same reason
    else:
        ours = parse_resident_id(raw, today=TODAY)
        assert (ours.number, ours.birth_date, ours.sex) == expected


@settings(max_examples=500, deadline=None)
@given(st.integers(110000, 659999), st.dates(date(1900, 1, 1), date(1999, 12, 31)), st.integers(0, 999))
def test_the_pharmacy_stores_what_the_screening_desk_stores(area: int, born: date, seq: int) -> None:
    """Both counters go through the same validator: a 15-digit number is converted once, the same way."""
    legacy = f"{area:06d}{born:%y%m%d}{seq:03d}"
    checked = check_resident_id(legacy, today=TODAY)
    assert (
        checked.number
        == parse_resident_id(legacy, today=TODAY).number
        == oracle_resident_id(legacy, today=TODAY)[0]
    )


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
    ("language", "words"), [("zh_CN", "校验位不符"), ("en", "check digit does not match")]
)
def test_a_refused_id_is_explained_in_the_ui_language(language: str, words: str) -> None:
    from fever_desk.i18n import pin_language

    pin_language(language)
    try:
        checked, problem = check_document(DocumentType.RESIDENT_ID, "110105194912310021", today=TODAY)
    finally:
        pin_language(None)
    assert checked is None and words in problem


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
