"""``fever-desk user …``, ``audit verify`` and ``purge`` on a temporary database (no Qt)."""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from db import open_database
from db.repositories import SqlScreeningRepository
from tests.db.factories import make_screening
from ui.cli.users import add_user_commands


def cli(argv: Sequence[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    """The command as ``ui.cli.main`` will run it once wired (``--db`` comes from FEVER_DESK_DB)."""
    parser = argparse.ArgumentParser(prog="fever-desk")
    parser.add_argument("--db")
    add_user_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return int(args.func(args))


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("FEVER_DESK_DB", url)
    return url


def test_user_add_list_disable(db_url: str, monkeypatch, capsys) -> None:
    add = ["user", "add", "admin", "--role", "administrator", "--password-stdin"]
    assert cli(add, monkeypatch, "station-2026\n") == 0
    nurse = ["user", "add", "li", "--role", "nurse", "--name", "李护士", "--password-stdin"]
    assert cli(nurse, monkeypatch, "correct horse\n") == 0
    assert (
        cli(["user", "add", "li", "--role", "nurse", "--password-stdin"], monkeypatch, "correct horse\n") == 1
    )
    assert "已被使用" in capsys.readouterr().err
    assert cli(["user", "add", "x", "--role", "nurse", "--password-stdin"], monkeypatch, "1234567\n") == 1
    assert cli(["user", "disable", "li"], monkeypatch) == 0
    assert cli(["user", "disable", "admin"], monkeypatch) == 1  # the last administrator
    capsys.readouterr()
    assert cli(["user", "list"], monkeypatch) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("admin", "administrator", "在用"),
        ("li", "nurse", "已停用"),
    ]
    assert cli(["user", "reset-password", "li", "--password-stdin"], monkeypatch, "temporary-1\n") == 0


def test_user_add_asks_twice_without_stdin(db_url: str, monkeypatch, capsys) -> None:
    answers = iter(["station-2026", "station-2027"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli(["user", "add", "admin", "--role", "administrator"], monkeypatch) == 1
    assert "不一致" in capsys.readouterr().err


def add_three_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    """An administrator and two nurses: three entries in the audit trail."""
    for name in ("admin", "li", "wang"):
        role = "administrator" if name == "admin" else "nurse"
        assert (
            cli(["user", "add", name, "--role", role, "--password-stdin"], monkeypatch, "station-2026\n") == 0
        )


def test_audit_verify_reports_the_first_broken_entry(db_url: str, monkeypatch, capsys) -> None:
    add_three_operators(monkeypatch)
    capsys.readouterr()
    assert cli(["audit", "verify"], monkeypatch) == 0
    assert "3" in capsys.readouterr().out
    database = open_database(db_url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET detail = 'role=administrator' WHERE sequence = 2"))
    database.close()
    assert cli(["audit", "verify"], monkeypatch) == 1
    assert "第 2 条" in capsys.readouterr().err


def test_an_anchor_kept_elsewhere_catches_newest_entries_cut_off(db_url: str, monkeypatch, capsys) -> None:
    """The chain cannot show its own tail was cut and its head moved back; the anchor can."""
    add_three_operators(monkeypatch)
    capsys.readouterr()
    assert cli(["audit", "verify"], monkeypatch) == 0
    anchor = capsys.readouterr().out.strip().splitlines()[-1].split()[-1]
    assert anchor.startswith("3:") and len(anchor) == 2 + 64
    assert cli(["audit", "verify", "--anchor", anchor], monkeypatch) == 0
    # Someone with the database file removes the last entry and moves the head back to entry 2.
    database = open_database(db_url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_head_no_update"))
        previous = connection.execute(text("SELECT hash FROM audit_log WHERE sequence = 2")).scalar_one()
        connection.execute(text("DELETE FROM audit_log WHERE sequence = 3"))
        connection.execute(
            text("UPDATE audit_head SET last_sequence = 2, last_hash = :h WHERE id = 1"), {"h": previous}
        )
    database.close()
    capsys.readouterr()
    assert cli(["audit", "verify"], monkeypatch) == 0  # consistent on its own
    assert cli(["audit", "verify", "--anchor", anchor], monkeypatch) == 1
    assert "第 3 条已不存在" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="64"):
        cli(["audit", "verify", "--anchor", "3:abc"], monkeypatch)


def test_purge_is_a_dry_run_unless_told_yes(db_url: str, monkeypatch, capsys) -> None:
    database = open_database(db_url)
    repo = SqlScreeningRepository(database.session_factory)
    repo.add(make_screening(created_at=datetime.now(UTC) - timedelta(days=400)))
    repo.add(make_screening(created_at=datetime.now(UTC) - timedelta(days=2)))
    database.close()
    assert cli(["purge", "--older-than-days", "180"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "screening\t1" in out and "--yes" in out
    assert cli(["purge", "--older-than-days", "180", "--yes"], monkeypatch) == 0
    assert "screening\t1" in capsys.readouterr().out
    assert cli(["purge", "--older-than-days", "180"], monkeypatch) == 0
    assert "screening\t0" in capsys.readouterr().out
    assert cli(["audit", "verify"], monkeypatch) == 0
