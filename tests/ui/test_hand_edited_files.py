"""Files clinic IT edits by hand on Windows: Notepad's byte-order mark, unescaped backslashes.

A settings file that failed to parse used to start the desk on defaults with a *new random station id*,
so that counter's slips and server records belonged to a station that does not exist.  Now a BOM is
read, a broken line is named, the station id is salvaged from the damaged text, and when it cannot be
the desk refuses to start rather than invent one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fever_desk.guidelines
from fever_desk.drugs import load_catalogue
from fever_desk.guidelines import get_guideline, load_guideline
from fever_desk.settings import load_settings
from ui.services.problems import describe_error
from ui.services.settings import StationIdUnrecoverable, recover_settings

STATION = "a1b2c3d4e5f6"
SHIPPED = Path(fever_desk.guidelines.__file__).parent / "national-v5-outside-hubei.toml"
NOTEPAD_SETTINGS = {
    "station_id": STATION,
    "station_name": "东门预检分诊台",
    "fever_threshold_c": 37.5,
    "language": "en",
}
UNESCAPED = (
    "{\n"
    f'  "station_id": "{STATION}",\n'
    '  "station_name": "东门预检分诊台",\n'
    '  "slip_font_path": "C:\\Windows\\Fonts\\msyh.ttc"\n'
    "}\n"
)


def write_with_bom(path: Path, text: str) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def run_cli(tmp_path: Path, settings: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FEVER_DESK_CONFIG": str(settings),
        "FEVER_DESK_DATA": str(tmp_path / "data"),
        "FEVER_DESK_DB": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def test_settings_saved_by_notepad_with_a_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    write_with_bom(path, json.dumps(NOTEPAD_SETTINGS, ensure_ascii=False, indent=2))
    settings, warnings = recover_settings(path)
    assert warnings == []
    assert (settings.station_id, settings.station_name, settings.fever_threshold_c) == (
        STATION,
        "东门预检分诊台",
        37.5,
    )
    assert not list(tmp_path.glob("settings.json.unreadable-*"))


def test_triage_cli_reads_bom_settings_and_a_bom_answers_file(tmp_path: Path) -> None:
    """Through the real command: a 37.4 °C patient is no fever at this station's 37.5 threshold."""
    settings = tmp_path / "settings.json"
    write_with_bom(settings, json.dumps(NOTEPAD_SETTINGS, ensure_ascii=False))
    guideline = get_guideline("national-v5-outside-hubei")
    answers = {
        "temperature_c": 37.4,
        "symptoms": {item.id: False for item in guideline.symptoms},
        "epidemiological": {item.id: False for item in guideline.epidemiological},
    }
    answers_file = tmp_path / "answers.json"
    write_with_bom(answers_file, json.dumps(answers))
    result = run_cli(tmp_path, settings, "triage", "--answers", str(answers_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["fever"] is False


def test_unescaped_windows_path_names_the_line_and_keeps_the_station_id(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    write_with_bom(path, UNESCAPED)
    settings, warnings = recover_settings(path)
    assert settings.station_id == STATION  # not a new station
    assert "第 4 行" in warnings[0] and "\\\\" in warnings[0]  # the line, and "double the backslashes"
    kept = list(tmp_path.glob("settings.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"\xef\xbb\xbf" + UNESCAPED.encode("utf-8")
    assert load_settings(path).station_id == STATION  # and the rewritten file keeps it for next time


def test_damaged_file_without_a_station_id_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{\n  "station_name": "东门",\n  "printer_name": "C:\\POS80"\n}\n', encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StationIdUnrecoverable) as caught:
        recover_settings(path)
    message = describe_error(caught.value)
    assert str(path) in message and "第 3 行" in message
    assert path.read_bytes() == before and not list(tmp_path.glob("settings.json.unreadable-*"))


def test_the_cli_names_the_broken_line_instead_of_a_traceback(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(UNESCAPED, encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text("{}", encoding="utf-8")
    result = run_cli(tmp_path, settings, "triage", "--answers", str(answers))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "第 4 行" in result.stderr and str(settings) in result.stderr
    assert settings.read_text(encoding="utf-8") == UNESCAPED  # the CLI changes nothing


def test_the_window_refuses_with_a_dialog_when_the_station_id_is_lost(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.desk.app import run_gui

    path = tmp_path / "settings.json"
    path.write_text("{ this is not json", encoding="utf-8")
    monkeypatch.setenv("FEVER_DESK_CONFIG", str(path))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    assert run_gui(f"sqlite:///{tmp_path / 'gui.sqlite3'}") == 2
    assert len(shown) == 1 and str(path) in shown[0] and "第 1 行" in shown[0]
    assert path.read_text(encoding="utf-8") == "{ this is not json"


def test_in_english_the_line_is_named_in_english(tmp_path: Path) -> None:
    from fever_desk.i18n import set_language
    from fever_desk.settings import SettingsError

    path = tmp_path / "settings.json"
    path.write_text(UNESCAPED, encoding="utf-8")
    set_language("en")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = describe_error(caught.value)
    assert "line 4, column" in message and "write each \\ in a Windows path as \\\\" in message


def test_a_settings_file_saved_as_gbk_is_named_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    text = '{\n  "station_id": "' + STATION + '",\n  "station_name": "东门"\n}'
    path.write_bytes(text.encode("gbk"))
    settings, warnings = recover_settings(path)
    assert settings.station_id == STATION and "第 3 行" in warnings[0] and "GBK" in warnings[0]


def test_hand_written_settings_without_an_id_keep_the_first_one_minted(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"station_name": "西门"}', encoding="utf-8")
    first = load_settings(path).station_id
    assert load_settings(path).station_id == first
    assert json.loads(path.read_text(encoding="utf-8"))["station_name"] == "西门"


def test_guideline_file_with_a_bom_loads(tmp_path: Path) -> None:
    shipped = SHIPPED
    copy = tmp_path / shipped.name
    write_with_bom(copy, shipped.read_text(encoding="utf-8"))
    assert load_guideline(copy) == load_guideline(shipped)


def test_guideline_check_cli_accepts_a_bom(tmp_path: Path) -> None:
    shipped = SHIPPED
    copy = tmp_path / shipped.name
    write_with_bom(copy, shipped.read_text(encoding="utf-8"))
    result = run_cli(tmp_path, tmp_path / "settings.json", "guideline", "check", str(copy))
    assert result.returncode == 0, result.stderr + result.stdout


def test_drug_catalogue_with_a_bom_loads(tmp_path: Path) -> None:
    catalogue = tmp_path / "drugs.toml"
    write_with_bom(catalogue, '[[drug]]\nname = "布洛芬缓释胶囊"\ncategory = "antipyretic"\nunit = "盒"\n')
    drugs = load_catalogue(catalogue)
    assert [(d.name, str(d.category), d.unit) for d in drugs] == [("布洛芬缓释胶囊", "antipyretic", "盒")]
