"""The pharmacy register's rules: checks on the form, advice, repeat purchases, the drug catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from fever_desk.demo_pharmacy import generate_purchases
from fever_desk.documents import DocumentType, check_resident_id
from fever_desk.drugs import (
    CatalogueError,
    Drug,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
    save_catalogue,
)
from fever_desk.i18n import set_language
from fever_desk.model import Sex
from fever_desk.pharmacy import (
    Advice,
    DrugCategory,
    DrugDraft,
    OtherPerson,
    advice,
    check_purchase,
    find_repeats,
    with_advice,
)
from fever_desk.triage import FeverRule
from tests.fever_desk.pharmacy_cases import ID_NUMBER, PHONE, draft, purchase

TODAY = date(2020, 2, 3)
RULE = FeverRule(37.3, True)


def test_a_complete_draft_becomes_a_purchase_with_sex_and_birth_date_from_the_id() -> None:
    checked, errors = check_purchase(draft(), today=TODAY, guideline_id="g")
    assert errors == {}
    assert checked is not None
    assert checked.purchaser.sex is Sex.MALE and checked.purchaser.birth_date == date(1980, 5, 3)
    assert checked.drugs[0].quantity == 2 and checked.guideline_id == "g"


def test_a_legacy_15_digit_id_is_stored_as_18_digits() -> None:
    legacy = ID_NUMBER[:6] + ID_NUMBER[8:17]
    checked, errors = check_purchase(draft(id_number=legacy), today=TODAY)
    assert errors == {} and checked is not None and checked.purchaser.id_number == ID_NUMBER


def test_problems_are_per_field_and_in_the_ui_language() -> None:
    bad = draft(
        name=" ",
        id_number=ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"),
        phone="12345",
        address="",
        community="",
        temperature="45",
        symptoms={"cough": None},
        drugs=[DrugDraft("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, "0")],
    )
    checked, errors = check_purchase(bad, today=TODAY)
    assert checked is None
    assert set(errors) == {"name", "id_number", "phone", "address", "temperature", "questions", "drugs"}
    assert errors["id_number"] == "身份证号校验位不符，请逐位核对。"
    set_language("en")
    _, english = check_purchase(bad, today=TODAY)
    assert english["drugs"].startswith("The quantity of 布洛芬缓释胶囊")


def test_a_draft_is_never_altered_by_checking() -> None:
    original = draft(name="  王  建国 ", phone="138 0013 8000")
    snapshot = repr(original)
    check_purchase(original, today=TODAY)
    assert repr(original) == snapshot


def test_buying_for_someone_else_needs_their_name_and_relation() -> None:
    _, errors = check_purchase(draft(for_other=True), today=TODAY)
    assert {"other_name", "other_relation"} <= set(errors)
    checked, errors = check_purchase(
        draft(for_other=True, other_name="王母", other_relation="母亲", other_temperature="38.2"), today=TODAY
    )
    assert (
        errors == {}
        and checked is not None
        and checked.other == OtherPerson("王母", "母亲", "", "", 38.2, "")
    )


def test_a_passport_holder_has_no_derived_sex_or_birth_date() -> None:
    checked, errors = check_purchase(
        draft(document_type=DocumentType.PASSPORT, id_number="e1234 5678"), today=TODAY
    )
    assert errors == {} and checked is not None
    assert checked.purchaser.id_number == "E12345678" and checked.purchaser.sex is Sex.UNKNOWN


@pytest.mark.parametrize(
    ("celsius", "epi", "other_c", "expected", "reasons"),
    [
        (36.6, False, None, Advice.NONE, ()),
        (37.3, False, None, Advice.FEVER_CLINIC, ("fever",)),
        (37.8, False, None, Advice.FEVER_CLINIC, ("fever",)),
        (36.5, True, None, Advice.FEVER_CLINIC, ("epi:travel",)),
        (36.5, False, 38.5, Advice.FEVER_CLINIC, ("other_fever",)),
    ],
)
def test_advice(celsius: float, epi: bool, other_c: float | None, expected: Advice, reasons: tuple) -> None:
    p = purchase(celsius=celsius, epi=epi)
    if other_c is not None:
        p.for_other, p.other = True, OtherPerson("王母", "母亲", temperature_c=other_c)
    result = advice(p, RULE)
    assert (result.advice, result.reasons) == (expected, reasons)
    assert with_advice(p, RULE).advice is expected


def test_the_fever_line_can_exclude_its_own_value() -> None:
    assert advice(purchase(celsius=37.3), FeverRule(37.3, False)).advice is Advice.NONE


def test_repeat_purchases_by_id_then_by_phone_within_the_window_only() -> None:
    now = datetime(2020, 2, 5, 12, tzinfo=UTC)
    same_id = purchase(phone="13900000000", at=now - timedelta(days=1))
    same_phone = purchase(name="王母", id_number="", at=now - timedelta(days=2))
    too_old = purchase(at=now - timedelta(days=3, minutes=1))
    stranger = purchase(name="李四", id_number="X", phone="13700000000", at=now - timedelta(hours=1))
    matches = find_repeats(ID_NUMBER, PHONE, [too_old, stranger, same_phone, same_id], now=now, days=3)
    assert [(m.purchase, m.by) for m in matches] == [(same_id, "id"), (same_phone, "phone")]
    assert find_repeats(ID_NUMBER, PHONE, [too_old], now=now, days=4)[0].by == "id"
    assert find_repeats("", "", [same_id], now=now, days=3) == []


def test_the_shipped_catalogue_covers_the_four_categories() -> None:
    drugs = default_catalogue()
    names = {d.name for d in drugs}
    assert {"对乙酰氨基酚片", "布洛芬缓释胶囊", "连花清瘟胶囊", "阿莫西林胶囊", "磷酸奥司他韦胶囊"} <= names
    assert {d.category for d in drugs} == set(DrugCategory)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[drug]]\nname = "甲"\ncategory = "antipyretik"\n', "category"),
        ('[[drug]]\nname = "甲"\ncategory = "cough"\nprice = 3\n', "price: unknown key"),
        ('[[drug]]\nname = "甲"\ncategory = "cough"\n[[drug]]\nname = "甲"\ncategory = "cough"\n', "twice"),
        ('[[drug]]\ncategory = "cough"\n', "name: missing"),
        ("drug = 3\n", "array of tables"),
    ],
)
def test_a_bad_catalogue_is_refused_with_the_place_of_the_problem(text: str, problem: str) -> None:
    with pytest.raises(CatalogueError, match=problem) as caught:
        parse_catalogue(text, file="my.toml")
    assert str(caught.value).startswith("my.toml")


def test_an_edited_catalogue_round_trips_and_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "drugs.toml"
    assert load_catalogue(path) == default_catalogue()
    mine = [Drug('止咳"露"', DrugCategory.COUGH, "瓶"), Drug("对乙酰氨基酚片", DrugCategory.ANTIPYRETIC)]
    save_catalogue(mine, path)
    assert load_catalogue(path) == mine


def test_demo_purchases_are_valid_repeatable_and_include_repeats() -> None:
    start, end = datetime(2020, 2, 1, tzinfo=UTC), datetime(2020, 2, 4, tzinfo=UTC)

    def make() -> list:
        return list(
            generate_purchases(
                400, seed=3, start=start, end=end, station_id="s", symptom_ids=["cough"], epi_ids=["travel"]
            )
        )

    first, again = make(), make()
    assert [p.id for p in first] == [p.id for p in again]
    for p in first:
        assert (
            check_resident_id(p.purchaser.id_number, today=date(2020, 2, 4)).number == p.purchaser.id_number
        )
        assert p.drugs and start <= p.created_at < end
        assert p.advice is advice(p, RULE).advice
    assert len({p.purchaser.id_number for p in first}) < len(first)
    assert any(p.advice is Advice.FEVER_CLINIC for p in first)
