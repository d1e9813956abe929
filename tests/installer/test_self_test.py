"""``run_self_test`` from the source tree: what it reports, its exit code, and that it changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from db.migrate import head_revision
from fever_desk.i18n import tr_in
from tests.installer.helpers import digest, make_database, report_marks
from tests.sqlite_files import connect_file
from ui.desk import self_test
from ui.desk.self_test import run_self_test

ESSENTIAL = ("Database", "Migrations", "Fonts", "Guidelines", "Translations")


@pytest.fixture(autouse=True)
def _app(qapp):
    """The printer check needs an application object; share pytest-qt's rather than make another."""
    return qapp


def run(url: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_self_test(url, out)
    return code, out.getvalue()


def test_a_fresh_station_passes_without_creating_anything(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite3"
    code, report = run(f"sqlite:///{db}")
    marks = report_marks(report)
    assert code == 0, report
    assert all(marks[name] == "✓" for name in ESSENTIAL), report
    assert marks["Printers"] in "✓!" and marks["Serial ports"] in "✓!"
    assert head_revision() in report
    assert tr_in("zh_CN", "All essential checks passed.") in report
    assert not db.exists(), "the self-test must not create the database"
    assert not Path(tmp_path / "config" / "settings.json").exists(), "nor the settings file"


def test_an_older_database_is_reported_not_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    make_database(db, "0001")
    before = digest(db)
    code, report = run(f"sqlite:///{db}")
    assert code == 0, report
    assert report_marks(report)["Migrations"] == "!"
    assert "0001" in report and head_revision() in report
    assert digest(db) == before
    with connect_file(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"


def test_a_current_database_is_ok(tmp_path: Path) -> None:
    db = tmp_path / "current.sqlite3"
    make_database(db)
    code, report = run(f"sqlite:///{db}")
    assert code == 0, report
    assert report_marks(report)["Database"] == "✓" and report_marks(report)["Migrations"] == "✓"


def test_a_file_that_is_not_a_database_fails_and_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "garbage.sqlite3"
    db.write_bytes(b"this is a shopping list\n" * 50)
    before = digest(db)
    code, report = run(f"sqlite:///{db}")
    assert code == 1
    assert report_marks(report)["Database"] == "✗"
    assert tr_in("zh_CN", "{count} essential check(s) failed.", count=1) in report
    assert digest(db) == before


def test_a_missing_chinese_font_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fever_desk.slips import fonts

    monkeypatch.setattr(fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")
    monkeypatch.setattr(fonts, "SYSTEM_FONT_PATHS", [])
    monkeypatch.setattr(fonts, "USE_FC_LIST", False)
    fonts.clear_font_cache()
    try:
        code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    finally:
        fonts.clear_font_cache()
    assert code == 1
    assert report_marks(report)["Fonts"] == "✗"


def test_the_report_names_the_shipped_font(tmp_path: Path) -> None:
    from fever_desk.slips.fonts import SHIPPED_FONT

    code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 0, report
    line = next(line for line in report.splitlines() if tr_in("zh_CN", "Fonts") in line)
    assert "✓" in line and "随附字体" in line and str(SHIPPED_FONT) in line


def test_an_unusable_configured_font_is_a_warning_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "config" / "settings.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"slip_font_path": str(tmp_path / "gone.ttf")}), encoding="utf-8")
    code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 0, report
    assert report_marks(report)["Fonts"] == "!"
    assert str(tmp_path / "gone.ttf") in report and "WenQuanYiMicroHei-GBK.ttf" in report


def test_no_printer_and_no_port_are_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_settings: object) -> None:
        raise RuntimeError("no print system")

    monkeypatch.setattr(self_test, "check_printers", broken)
    monkeypatch.setattr("devices.diagnostics.list_ports", lambda: [])
    code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    marks = report_marks(report)
    assert code == 0, report
    assert marks["Printers"] == "!" and marks["Serial ports"] == "!"


def test_the_report_follows_the_station_language(tmp_path: Path) -> None:
    config = tmp_path / "config" / "settings.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"language": "en"}), encoding="utf-8")
    code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 0, report
    assert set(ESSENTIAL) <= set(report_marks(report, "en"))
    assert "All essential checks passed." in report


def test_a_damaged_settings_file_is_a_warning_and_kept(tmp_path: Path) -> None:
    config = tmp_path / "config" / "settings.json"
    config.parent.mkdir(parents=True)
    config.write_text("{not json", encoding="utf-8")
    code, report = run(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 0, report
    assert report_marks(report)["Settings"] == "!"
    assert config.read_text(encoding="utf-8") == "{not json"
