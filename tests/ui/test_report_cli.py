"""``fever-desk report daily``: writes the file, keeps one revision per unchanged regeneration, no Qt."""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from db import open_database
from db.audit_repository import SqlAuditRepository
from db.report_repository import SqlReportRepository
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from fever_desk.settings import Settings, save_settings
from tests.db.factories import make_screening
from ui.cli.common import cli_actor
from ui.cli.report import add_report_commands

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> int:
    """The ``fever-desk`` parser's shape: ``--db`` on top, commands below (as ``ui.cli.main`` wires it)."""
    parser = argparse.ArgumentParser(prog="fever-desk")
    parser.add_argument("--db")
    add_report_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def station(tmp_path: Path) -> Settings:
    settings = Settings(
        station_id="desk-1", station_name="兰溪镇卫生院预检分诊台", institution="兰溪镇卫生院"
    )
    save_settings(settings, Path(os.environ["FEVER_DESK_CONFIG"]))
    return settings


def _url() -> str:
    return os.environ["FEVER_DESK_DB"]


def test_cli_writes_a_zero_report_and_does_not_repeat_revisions(
    tmp_path: Path, station: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "日报告.csv"
    assert run(["report", "daily", "--date", "2020-02-01", "--out", str(out)]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    values = {row[0]: row[1] for row in rows if len(row) == 2}
    assert values["报告类型"] == "零报告" and values["报告点"] == "兰溪镇卫生院预检分诊台"
    # The report filed with the authorities pins the station's audit trail: its anchor verifies.
    sequence, digest = values["审计锚点"].split(":")
    database = open_database(_url())
    try:
        assert SqlAuditRepository(database.session_factory).hash_at(int(sequence)) == digest
    finally:
        database.close()
    assert "零报告" in capsys.readouterr().out
    assert run(["report", "daily", "--date", "2020-02-01", "--out", str(out)]) == 0
    database = open_database(_url())
    try:
        day = datetime(2020, 2, 1).date()
        revisions = SqlReportRepository(database.session_factory).revisions("desk-1", day)
        assert [r.revision for r in revisions] == [1]
        # One identity: the revision names the same actor as its audit entry (cli:<system user>).
        assert revisions[0].generated_by == cli_actor()
        when = datetime(2020, 2, 1, 10, 0).astimezone()
        SqlScreeningRepository(database.session_factory).add(
            make_screening(created_at=when, disposition=Disposition.SUSPECTED)
        )
    finally:
        database.close()
    xlsx = tmp_path / "report.xlsx"
    assert run(["report", "daily", "--date", "2020-02-01", "--out", str(xlsx), "--note", "补报"]) == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["日报告"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["报告类型"] == "日报告" and values["版本"].startswith("第 2 版")
    assert values["更正说明"] == "补报" and values["疑似病例（转定点医院）人数"] == 1


def test_cli_refuses_an_unknown_format(tmp_path: Path, station: Settings) -> None:
    assert run(["report", "daily", "--out", str(tmp_path / "report.docx")]) == 2
    with pytest.raises(SystemExit):
        run(["report", "daily", "--date", "2020-13-01", "--out", str(tmp_path / "r.csv")])


def test_cli_default_day_is_the_current_reporting_day(tmp_path: Path, station: Settings) -> None:
    out = tmp_path / "today.csv"
    assert run(["report", "daily", "--out", str(out)]) == 0
    now = datetime.now().astimezone()
    expected = (
        now.date() if now.time() <= datetime.strptime("16:00", "%H:%M").time() else now.date() + timedelta(1)
    )
    assert f"{expected:%Y-%m-%d}" in out.read_text(encoding="utf-8-sig")


def test_cli_module_does_not_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys, ui.cli.report; sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert result.returncode == 0
