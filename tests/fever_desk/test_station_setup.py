"""The first-run setup's checks, field by field, and what the settings need before a slip can be printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fever_desk.i18n import set_language
from fever_desk.settings import Hospital, Settings, load_settings, save_settings
from fever_desk.station_setup import (
    SetupDraft,
    apply_setup,
    check_area_code,
    check_cutoff,
    check_hotline,
    check_setup,
    counters_shown,
    needs_setup,
    slip_gaps,
)


def good(**changes: str) -> SetupDraft:
    draft = SetupDraft(
        institution="长沙市某区人民医院",
        station_name="门诊楼预检分诊台1",
        hospital_name="长沙市第一医院（北院）",
        hospital_address="长沙市开福区营盘路311号",
        hospital_phone="0731-84411111",
        hotline="12320",
        area_code="430105",
        report_cutoff="16:00",
        station_mode="both",
    )
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("430102", ""),
        (" 110101 ", ""),
        ("810000", ""),  # Hong Kong: no county codes below it
        ("", "请输入"),
        ("43010", "6 位数字"),
        ("4301020", "6 位数字"),
        ("43o102", "6 位数字"),
        ("000000", "00 不是省级代码"),
        ("190101", "19 不是省级代码"),
        ("660101", "66 不是省级代码"),
        ("910101", "91 不是省级代码"),
        ("430000", "整个省级单位"),
    ],
)
def test_area_code(raw: str, problem: str) -> None:
    code, message = check_area_code(raw)
    assert (problem in message) if problem else message == ""
    if not problem:
        assert code == raw.strip()


@pytest.mark.parametrize(
    ("raw", "stored", "ok"),
    [
        ("12320", "12320", True),
        ("120", "120", True),
        ("12345", "12345", True),
        ("95598", "95598", True),
        ("400-812-3456", "400-812-3456", True),
        ("0731-84411111", "0731-84411111", True),
        ("138 1234 5678", "13812345678", True),
        ("", "", False),
        ("12", "12", False),
        ("1232", "1232", False),
        ("hotline", "hotline", False),
        ("23456789012", "23456789012", False),
    ],
)
def test_hotline(raw: str, stored: str, ok: bool) -> None:
    number, message = check_hotline(raw)
    assert number == stored
    assert (message == "") is ok


@pytest.mark.parametrize(
    ("raw", "stored", "ok"),
    [
        ("16:00", "16:00", True),
        ("9:30", "09:30", True),
        ("00:00", "00:00", True),
        ("23:59", "23:59", True),
        ("24:00", "24:00", False),
        ("16:60", "16:60", False),
        ("1600", "1600", False),
        ("4pm", "4pm", False),
        ("", "", False),
    ],
)
def test_cutoff(raw: str, stored: str, ok: bool) -> None:
    value, message = check_cutoff(raw)
    assert value == stored
    assert (message == "") is ok


@pytest.mark.parametrize(
    ("field", "value", "starts"),
    [
        ("institution", "  ", "所属机构："),
        ("station_name", "", "工作站名称："),
        ("station_name", "台" * 61, "工作站名称：过长"),
        ("hospital_name", "", "定点救治医院："),
        ("hospital_address", "", "医院地址："),
        ("hospital_phone", "12345", "医院电话：手机号应为"),
        ("hospital_phone", "", "医院电话：请输入联系电话"),
        ("hotline", "abc", "咨询热线："),
        ("area_code", "000000", "行政区划代码（GB/T 2260）："),
        ("report_cutoff", "25:00", "日报截止时间："),
        ("station_mode", "kiosk", "工作站类型："),
    ],
)
def test_each_bad_field_is_named_in_its_message(field: str, value: str, starts: str) -> None:
    values, errors = check_setup(good(**{field: value}))
    assert values is None
    assert list(errors) == [field]
    assert errors[field].startswith(starts)


def test_messages_follow_the_language() -> None:
    set_language("en")
    _values, errors = check_setup(good(area_code="12", hotline=""))
    assert errors == {
        "hotline": "Hotline: Enter the hotline patients can call, such as 12320.",
        "area_code": "Area code (GB/T 2260): The area code must be exactly 6 digits, such as 430102.",
    }


def test_good_values_are_cleaned_and_applied_to_a_copy() -> None:
    values, errors = check_setup(
        good(hotline=" 123 20", station_name="  门诊楼   预检台 ", report_cutoff="9:05")
    )
    assert errors == {} and values is not None
    assert (values.hotline, values.station_name, values.report_cutoff) == ("12320", "门诊楼 预检台", "09:05")
    before = Settings()
    after = apply_setup(before, values)
    assert not before.setup_done and before.designated_hospital == Hospital()
    assert after.setup_done and after.area_code == "430105" and after.station_mode == "both"
    assert after.designated_hospital == Hospital(
        "长沙市第一医院（北院）", "长沙市开福区营盘路311号", "0731-84411111"
    )
    assert not needs_setup(after) and slip_gaps(after) == []


def test_a_settings_file_from_before_the_setup_loads_and_asks_for_it(tmp_path: Path) -> None:
    """An older version's file: no area code, no setup flag, the old default mode; nothing lost on rewrite."""
    path = tmp_path / "settings.json"
    old = {
        "station_id": "9c3a1e7d22b0",
        "station_name": "门诊楼预检分诊台1",
        "designated_hospital": {"name": "长沙市第一医院", "address": "", "phone": ""},
        "station_mode": "screening",
        "report_cutoff": "15:00",
        "a_key_from_elsewhere": 1,
    }
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    settings = load_settings(path)
    assert (settings.area_code, settings.setup_done, settings.report_cutoff) == ("", False, "15:00")
    assert needs_setup(settings)
    assert counters_shown(settings) == (True, True)  # the old default decides nothing until chosen
    assert slip_gaps(settings) == ["医院地址", "医院电话", "咨询热线"]
    draft = SetupDraft.from_settings(settings)
    assert (draft.station_name, draft.hospital_name, draft.report_cutoff) == (
        "门诊楼预检分诊台1",
        "长沙市第一医院",
        "15:00",
    )
    values, _errors = check_setup(good(station_mode="screening"))
    assert values is not None
    save_settings(apply_setup(settings, values), path)
    again = load_settings(path)
    assert not needs_setup(again) and again.extra == {"a_key_from_elsewhere": 1}
    assert counters_shown(again) == (True, False)


@pytest.mark.parametrize(
    ("mode", "shown"), [("screening", (True, False)), ("pharmacy", (False, True)), ("both", (True, True))]
)
def test_the_mode_decides_the_counters_once_set_up(mode: str, shown: tuple[bool, bool]) -> None:
    values, _errors = check_setup(good(station_mode=mode))
    assert values is not None
    assert counters_shown(apply_setup(Settings(), values)) == shown


def test_a_setup_done_whose_values_no_longer_pass_asks_again() -> None:
    values, _errors = check_setup(good())
    assert values is not None
    settings = apply_setup(Settings(), values)
    settings.area_code = ""  # edited by hand in the file
    assert needs_setup(settings)


@pytest.mark.parametrize(
    ("stored", "area_code", "setup_done"),
    [
        ({"area_code": 430105, "setup_done": True}, "430105", True),
        ({"area_code": None, "setup_done": "false"}, "", False),
        ({"setup_done": 1}, "", False),
    ],
)
def test_hand_edited_setup_values_load(
    tmp_path: Path, stored: dict, area_code: str, setup_done: bool
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    settings = load_settings(path)
    assert (settings.area_code, settings.setup_done) == (area_code, setup_done)
    assert needs_setup(settings)  # nothing else is filled in: asked, never a traceback
