"""``fever-desk export purchases``: the register from the command line, format from the extension."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db import open_database
from db.pharmacy_repository import SqlPurchaseRepository
from tests.fever_desk.pharmacy_cases import ID_NUMBER, purchase
from ui.cli.pharmacy import add_pharmacy_commands


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fever-desk")
    parser.add_argument("--db")
    add_pharmacy_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = open_database(url)
    repo = SqlPurchaseRepository(database.session_factory)
    repo.add(purchase(at=datetime(2020, 2, 3, 10, 0).astimezone()))
    repo.add(purchase(name="李四", at=datetime(2020, 2, 5, 10, 0).astimezone()))
    database.close()
    return url


def test_export_xlsx_for_a_date_range(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xlsx"
    assert (
        run(
            [
                "--db",
                db_url,
                "export",
                "purchases",
                "--from",
                "2020-02-03",
                "--to",
                "2020-02-04",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    assert [r[1] for r in rows[4:]] == ["王建国"] and rows[4][4] == ID_NUMBER
    assert "r.xlsx" in capsys.readouterr().out


def test_export_csv_for_one_day(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert run(["--db", db_url, "export", "purchases", "--from", "2020-02-05", "--out", str(out)]) == 0
    text = out.read_bytes()
    assert (
        text.startswith(b"\xef\xbb\xbf")
        and "李四" in text.decode("utf-8-sig")
        and "王建国" not in text.decode()
    )


def test_an_unknown_format_is_a_usage_error(db_url: str, tmp_path: Path) -> None:
    assert run(["--db", db_url, "export", "purchases", "--out", str(tmp_path / "r.doc")]) == 2


def test_a_bad_date_is_refused_by_the_parser(db_url: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        run(["--db", db_url, "export", "purchases", "--from", "3 Feb", "--out", str(tmp_path / "r.csv")])


def test_an_export_from_the_command_line_is_in_the_audit_trail(db_url: str, tmp_path: Path) -> None:
    from sqlalchemy import text

    from db.engine import make_engine

    out = tmp_path / "r.csv"
    assert (
        run(
            [
                "--db",
                db_url,
                "export",
                "purchases",
                "--from",
                "2020-02-01",
                "--to",
                "2020-02-29",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action, record_kind, operator, detail FROM audit_log")).all()
    engine.dispose()
    assert len(rows) == 1
    action, kind, operator, detail = rows[0]
    assert (action, kind, detail) == ("export", "purchase_register", "rows=2 zip=no")
    assert operator.startswith("cli:")
