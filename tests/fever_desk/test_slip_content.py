"""What a slip says, checked as data before any PDF is drawn."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from fever_desk.guidelines import get_guideline
from fever_desk.model import Disposition, Temperature, TemperatureSource
from fever_desk.slips import compose_slip, default_instructions, load_or_create_keys, slip_number
from fever_desk.slips.content import station_short_id
from tests.fever_desk.slip_cases import ISSUED, screening, settings


@pytest.fixture
def keys(tmp_path: Path):
    return load_or_create_keys(tmp_path)


def test_fields_are_masked_and_translated(keys) -> None:
    content = compose_slip(screening(), settings(), keys, issued_at=ISSUED)
    assert content.slip_number == "9C3A-200207-4F1B2C"
    assert (content.name, content.sex, content.age) == ("张三丰", "男", "45 岁")
    assert (content.id_number, content.phone) == ("4301**********123X", "138****5678")
    assert content.temperature == "38.6 °C · 体温计测量 · 09:12"
    assert content.symptoms == ("咳嗽", "乏力")
    assert len(content.epidemiological) == 1 and "感染者" in content.epidemiological[0]
    assert content.disposition is Disposition.SUSPECTED and content.disposition_label.startswith("疑似")
    assert any("疑似病例标准" in r for r in content.reasons)
    assert content.hospital_name == "长沙市第一医院（北院）" and content.hotline == "12320"
    assert content.instructions == default_instructions("zh_CN")
    assert content.operator == "李护士"  # the screening's operator, not the station default
    assert content.labels["title"] == "预检分诊转诊单"
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", content.key_fingerprint)


def test_english_slip(keys) -> None:
    content = compose_slip(screening(), settings(), keys, language="en", issued_at=ISSUED)
    assert (content.sex, content.age) == ("Male", "45 years")
    assert content.symptoms == ("Cough", "Fatigue") and content.temperature.endswith("thermometer · 09:12")
    assert content.labels["title"] == "Pre-screening referral slip"
    with pytest.raises(ValueError):
        compose_slip(screening(), settings(), keys, language="fr")


def test_slip_numbers_are_derived_not_counted() -> None:
    case = screening()
    day = case.created_at
    assert day is not None
    assert slip_number(case, "9c3a1e7d22b0", day) == slip_number(case, "9c3a1e7d22b0", day)
    assert slip_number(dataclasses.replace(case, id=case.id.__class__(int=1 << 100)), "9c3a", day) != (
        slip_number(case, "9c3a", day)
    )
    assert station_short_id("9c3a1e7d22b0") == "9C3A"
    short = station_short_id("东院预检")
    assert re.fullmatch(r"[0-9A-F]{4}", short) and short == station_short_id("东院预检")
    assert station_short_id("ab") != "AB"  # too short to be a prefix: hashed


def test_age_from_birth_date_and_manual_or_missing_temperature(keys) -> None:
    case = screening()
    case.person.age, case.person.birth_date = None, date(1980, 2, 8)
    case.temperature = Temperature(37.0, TemperatureSource.MANUAL)
    content = compose_slip(case, settings(), keys, issued_at=ISSUED)
    assert content.age == "39 岁" and content.temperature == "37.0 °C · 手工录入"
    case.temperature = None
    assert compose_slip(case, settings(), keys).temperature == "未测量"


def test_refuses_what_it_cannot_print_faithfully(keys) -> None:
    with pytest.raises(ValueError, match="outcome"):
        compose_slip(dataclasses.replace(screening(), outcome=None), settings(), keys)
    with pytest.raises(ValueError, match="national-v6"):
        compose_slip(screening(), settings(), keys, guideline=get_guideline("national-v6"))
