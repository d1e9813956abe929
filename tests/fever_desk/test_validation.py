from __future__ import annotations

from datetime import date

import pytest

from fever_desk.i18n import set_language
from fever_desk.model import Sex
from fever_desk.validation import Draft, check_draft

TODAY = date(2020, 2, 10)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


def complete(**changes: object) -> Draft:
    draft = Draft(name="Zhang San", sex=Sex.MALE, age="45", phone="13812345678", temperature="36.6")
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


def test_complete_draft_gives_person_and_manual_temperature() -> None:
    checked, errors = check_draft(complete(), today=TODAY)
    assert errors == {}
    assert checked is not None
    assert checked.person.name == "Zhang San" and checked.person.age == 45
    assert checked.temperature.celsius == 36.6 and checked.temperature.source.value == "manual"


def test_empty_draft_names_every_required_field() -> None:
    checked, errors = check_draft(Draft(), today=TODAY)
    assert checked is None
    assert set(errors) == {"name", "sex", "age", "phone", "temperature"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "130", "0 to 120"),
        ("age", "abc", "whole number"),
        ("phone", "12345", "11 digits"),
        ("temperature", "hot", "number"),
        ("temperature", "45.2", "measure again"),
        ("temperature", "30", "measure again"),
        ("id_number", "110105194912310021", "check digit"),
        ("onset_date", date(2020, 3, 1), "future"),
    ],
)
def test_bad_field_gets_its_own_message(field: str, value: object, message: str) -> None:
    draft = complete(**{field: value})
    checked, errors = check_draft(draft, today=TODAY)
    assert checked is None
    assert list(errors) == [field]
    assert message in errors[field]
    # The draft itself is untouched: the form can show it again as typed.
    assert getattr(draft, field) == value


def test_id_number_fills_sex_and_age_and_catches_contradiction() -> None:
    checked, errors = check_draft(complete(sex=None, age="", id_number="11010519491231002x"), today=TODAY)
    assert errors == {}
    assert checked is not None
    assert checked.person.sex is Sex.FEMALE and checked.person.age == 70
    assert checked.person.id_number == "11010519491231002X"
    _, errors = check_draft(complete(id_number="11010519491231002X"), today=TODAY)
    assert "sex" in errors


def test_symptoms_require_an_onset_date() -> None:
    _, errors = check_draft(complete(symptoms={"cough": True}), today=TODAY)
    assert list(errors) == ["onset_date"]


def test_messages_follow_the_language() -> None:
    set_language("zh_CN")
    _, errors = check_draft(Draft(), today=TODAY)
    assert errors["name"] == "请输入患者姓名。"
