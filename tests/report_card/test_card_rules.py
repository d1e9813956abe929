"""The report card's field rules and its 2-hour clock, table by table (fever_desk.report_card)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from fever_desk.accounts import Role
from fever_desk.i18n import set_language
from fever_desk.model import Sex
from fever_desk.report_card import may_complete
from fever_desk.report_card.card import (
    CorrectionRefused,
    ReportCard,
    card_number,
    card_problems,
    correction_of,
)
from fever_desk.report_card.clock import ClockState, read_clock, reported_late
from fever_desk.report_card.fields import (
    OCCUPATIONS,
    Address,
    Age,
    AgeUnit,
    Belongs,
    CardKind,
    CaseClass,
    address_missing,
    age_with_unit,
    split_address,
    suggest_belongs,
)

DIAGNOSED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FULL_ADDRESS = Address("湖南省", "长沙市", "芙蓉区", "五里牌街道", "朝阳村", "3号", "430102")


def complete_card(**changes: object) -> ReportCard:
    card = ReportCard(
        diagnosed_at=DIAGNOSED,
        name="王小明",
        sex=Sex.MALE,
        id_number="430102199003074512",
        birth_date=date(1990, 3, 7),
        phone="13812345678",
        address=FULL_ADDRESS,
        belongs=Belongs.SAME_COUNTY,
        occupation="teacher",
        case_class=CaseClass.SUSPECTED,
        onset_date=date(2026, 11, 29),
        reporting_unit="芙蓉区人民医院",
        doctor="李医生",
    )
    return replace(card, **changes)


# ---- age unit ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(2026, 12, 1), date(2026, 12, 1), Age(0, AgeUnit.DAYS)),  # born today
        (date(2026, 11, 2), date(2026, 12, 1), Age(29, AgeUnit.DAYS)),  # not yet a month
        (date(2026, 11, 1), date(2026, 12, 1), Age(1, AgeUnit.MONTHS)),  # a month to the day
        (date(2026, 1, 31), date(2026, 3, 1), Age(1, AgeUnit.MONTHS)),
        (date(2025, 12, 2), date(2026, 12, 1), Age(11, AgeUnit.MONTHS)),  # a day short of one year
        (date(2025, 12, 1), date(2026, 12, 1), Age(1, AgeUnit.YEARS)),  # one year to the day
        (date(1990, 3, 7), date(2026, 3, 6), Age(35, AgeUnit.YEARS)),
        (date(1990, 3, 7), date(2026, 3, 7), Age(36, AgeUnit.YEARS)),
    ],
)
def test_age_unit_under_one_year_is_months_then_days(born: date, on: date, expected: Age) -> None:
    assert age_with_unit(born, on) == expected


def test_a_birth_date_after_the_day_is_refused() -> None:
    with pytest.raises(ValueError):
        age_with_unit(date(2026, 12, 2), date(2026, 12, 1))


# ---- 病人属于 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("station", "address", "foreign", "expected"),
    [
        ("430102", "430102", False, Belongs.SAME_COUNTY),
        ("430102", "430121", False, Belongs.SAME_CITY),  # 长沙县, same city
        ("430102", "430602", False, Belongs.SAME_PROVINCE),  # 岳阳
        ("430102", "420106", False, Belongs.OTHER_PROVINCE),  # 武汉
        ("430102", "810000", False, Belongs.HK_MACAO_TAIWAN),
        ("430102", "820000", False, Belongs.HK_MACAO_TAIWAN),
        ("430102", "710000", False, Belongs.HK_MACAO_TAIWAN),
        ("430102", "", True, Belongs.FOREIGN),
        ("430102", "430102", True, Belongs.FOREIGN),
        ("", "430102", False, None),  # station not set up: the doctor chooses
        ("430102", "", False, None),
        ("430102", "43010", False, None),
    ],
)
def test_belongs_is_suggested_from_the_two_area_codes(
    station: str, address: str, foreign: bool, expected: Belongs | None
) -> None:
    assert suggest_belongs(station, address, foreign=foreign) == expected


# ---- address depth -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "levels", "missing"),
    [
        (
            "湖南省长沙市芙蓉区五里牌街道朝阳村3号",
            ("湖南省", "长沙市", "芙蓉区", "五里牌街道", "朝阳村", "3号"),
            [],
        ),
        ("北京市朝阳区建外街道1号", ("北京市", "北京市", "朝阳区", "建外街道", "", "1号"), []),
        (
            "广西壮族自治区南宁市青秀区新竹街道",
            ("广西壮族自治区", "南宁市", "青秀区", "新竹街道", "", ""),
            [],
        ),
        (
            "长沙县黄花镇杨柳村3组12号",
            ("", "", "长沙县", "黄花镇", "杨柳村", "3组12号"),
            ["province", "city"],
        ),
        ("湖南省长沙市芙蓉区", ("湖南省", "长沙市", "芙蓉区", "", "", ""), ["township"]),
        ("", ("", "", "", "", "", ""), ["province", "city", "county", "township"]),
    ],
)
def test_address_is_split_and_must_reach_the_township(
    text: str, levels: tuple[str, ...], missing: list[str]
) -> None:
    address = split_address(text)
    got = (address.province, address.city, address.county, address.township, address.village, address.house)
    assert got == levels
    assert address_missing(address) == missing


# ---- required fields by classification -----------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, []),
        ({"name": " "}, ["name"]),
        ({"id_number": ""}, ["id_number"]),
        ({"sex": Sex.UNKNOWN}, ["sex"]),
        ({"birth_date": None}, ["birth_date"]),
        ({"birth_date": None, "age": Age(40, AgeUnit.YEARS)}, []),
        ({"birth_date": date(2020, 1, 1)}, ["guardian_name"]),  # six years old
        ({"birth_date": date(2020, 1, 1), "guardian_name": "王大明"}, []),
        ({"birth_date": None, "age": Age(3, AgeUnit.MONTHS)}, ["guardian_name"]),
        ({"phone": ""}, ["phone"]),
        ({"belongs": None}, ["belongs"]),
        ({"address": replace(FULL_ADDRESS, township="")}, ["address"]),
        ({"occupation": ""}, ["occupation"]),
        ({"onset_date": None}, ["onset_date"]),
        ({"onset_date": date(2026, 12, 2)}, ["onset_date"]),  # after the diagnosis
        ({"case_class": CaseClass.CONFIRMED, "onset_date": None}, ["onset_date"]),
        ({"case_class": CaseClass.CLINICAL, "onset_date": None}, ["onset_date"]),
        ({"case_class": CaseClass.ASYMPTOMATIC, "onset_date": None}, []),  # no onset without symptoms
        ({"case_class": CaseClass.EXCLUDED}, ["remarks"]),
        ({"case_class": CaseClass.EXCLUDED, "remarks": "核酸两次阴性"}, []),
        ({"reporting_unit": ""}, ["reporting_unit"]),
        ({"doctor": ""}, ["doctor"]),
        ({"name": "", "phone": "", "occupation": ""}, ["name", "phone", "occupation"]),
    ],
)
def test_required_fields_by_classification(changes: dict[str, object], fields: list[str]) -> None:
    assert [p.field for p in card_problems(complete_card(**changes))] == fields


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh_CN", "「联系电话」为必填项。"),
        ("en", "Contact phone: required."),
    ],
)
def test_each_message_names_its_field_in_the_users_language(language: str, expected: str) -> None:
    set_language(language)
    (problem,) = card_problems(complete_card(phone=""))
    assert problem.localized() == expected


def test_the_address_message_says_which_levels_are_missing() -> None:
    (problem,) = card_problems(complete_card(address=Address(county="长沙县", township="黄花镇")))
    assert "province, city" in problem.localized("en")
    assert "现住址" in problem.localized("zh_CN")


def test_the_card_has_the_eighteen_occupation_groups() -> None:
    assert len(OCCUPATIONS) == 18 == len(set(OCCUPATIONS))


# ---- numbers and corrections --------------------------------------------------------------------
def test_card_number_is_day_and_sequence() -> None:
    assert card_number(date(2026, 12, 1), 3) == "20261201-0003"
    assert card_number(date(2026, 12, 1), 12345) == "20261201-12345"


@pytest.mark.parametrize("new_class", [CaseClass.CONFIRMED, CaseClass.EXCLUDED, CaseClass.CLINICAL])
def test_a_correction_is_a_new_card_linked_to_the_first(new_class: CaseClass) -> None:
    first = complete_card(
        number="20261201-0001",
        completed_at=DIAGNOSED,
        reported_at=DIAGNOSED + timedelta(minutes=50),
        national_number="N-1",
    )
    at = DIAGNOSED + timedelta(days=1)
    correction = correction_of(first, new_class, at, remarks="复核")
    assert correction.id != first.id
    assert correction.kind is CardKind.CORRECTION and correction.corrects == first.id
    assert correction.case_class is new_class and correction.diagnosed_at == at
    assert (correction.number, correction.reported_at, correction.national_number) == ("", None, "")
    assert (correction.name, correction.id_number, correction.address) == (
        first.name,
        first.id_number,
        first.address,
    )
    if new_class is not CaseClass.EXCLUDED:  # a correction of a correction still points at the first card
        assert correction_of(correction, CaseClass.EXCLUDED, at, "x").corrects == first.id


@pytest.mark.parametrize(
    ("current", "new"),
    [(CaseClass.SUSPECTED, CaseClass.SUSPECTED), (CaseClass.EXCLUDED, CaseClass.CONFIRMED)],
)
def test_a_correction_that_changes_nothing_or_revives_an_exclusion_is_refused(
    current: CaseClass, new: CaseClass
) -> None:
    with pytest.raises(CorrectionRefused):
        correction_of(complete_card(case_class=current), new, DIAGNOSED)


# ---- the 2-hour clock ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("after", "state", "minutes_left"),
    [
        (timedelta(0), ClockState.RUNNING, 120),
        (timedelta(minutes=89, seconds=59), ClockState.RUNNING, 31),
        (timedelta(minutes=90), ClockState.WARNING, 30),  # warns at 30 minutes left
        (timedelta(minutes=119, seconds=1), ClockState.WARNING, 1),
        (timedelta(hours=2), ClockState.WARNING, 0),  # due now, not yet late
        (timedelta(hours=2, seconds=1), ClockState.OVERDUE, -1),
        (timedelta(hours=2, minutes=45), ClockState.OVERDUE, -45),
    ],
)
def test_the_clock_runs_warns_and_goes_overdue(
    after: timedelta, state: ClockState, minutes_left: int
) -> None:
    reading = read_clock(complete_card(), DIAGNOSED + after)
    assert (reading.state, reading.minutes_left) == (state, minutes_left)
    assert reading.due_at == DIAGNOSED + timedelta(hours=2)


@pytest.mark.parametrize(
    ("reported_after", "state", "late"),
    [
        (timedelta(hours=1, minutes=59), ClockState.REPORTED, False),
        (timedelta(hours=2), ClockState.REPORTED, False),
        (timedelta(hours=2, minutes=1), ClockState.REPORTED_LATE, True),
    ],
)
def test_reported_at_1h59_is_on_time_and_at_2h01_late(
    reported_after: timedelta, state: ClockState, late: bool
) -> None:
    card = complete_card(reported_at=DIAGNOSED + reported_after)
    assert read_clock(card, DIAGNOSED + timedelta(hours=5)).state is state
    assert reported_late(card) is late


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.DOCTOR, True), (Role.ADMINISTRATOR, True), (Role.NURSE, False), (Role.PHARMACIST, False)],
)
def test_only_doctor_and_administrator_complete_cards(role: Role, allowed: bool) -> None:
    assert may_complete(role) is allowed
