"""``fever-desk db backup`` / ``db restore``: consistent under load, round-trips, and refuses what it must."""

from __future__ import annotations

import argparse
import sqlite3  # another program's database is plain SQLite
import threading
from pathlib import Path

import pytest

from db.backup import DatabaseInUse, NotABackup, backup_database, inspect_database, restore_database
from db.migrate import head_revision
from tests.installer.helpers import digest, make_database
from tests.sqlite_files import connect_file
from ui.cli.db import add_db_commands

BATCH = 50


def rows(path: Path) -> int:
    with connect_file(path) as connection:
        return connection.execute("SELECT count(*) FROM ledger").fetchone()[0]


def add_rows(path: Path, count: int) -> None:
    with connect_file(path) as connection:
        connection.executemany("INSERT INTO ledger (n) VALUES (?)", [(i,) for i in range(count)])
    connection.close()


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """A migrated fever_desk database in WAL mode with an extra ``ledger`` table to count rows in."""
    path = tmp_path / "station.sqlite3"
    make_database(path)
    with connect_file(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    connection.close()
    return path


def cli(tmp_path: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    add_db_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_backup_while_a_writer_is_active_is_consistent(station: Path, tmp_path: Path) -> None:
    stop = threading.Event()
    started = threading.Event()

    def writer() -> None:
        connection = connect_file(station, timeout=30)
        try:
            while not stop.is_set():
                with connection:  # one transaction of BATCH rows: a snapshot sees all or none of it
                    connection.executemany("INSERT INTO ledger (n) VALUES (?)", [(i,) for i in range(BATCH)])
                started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(10)
        counts = []
        for i in range(3):
            out = tmp_path / f"backup-{i}.sqlite3"
            assert backup_database(station, out) == head_revision()
            assert inspect_database(out) == head_revision()  # integrity_check passes
            counts.append(rows(out))
            assert not Path(f"{out}-wal").exists(), "a backup is one self-contained file"
    finally:
        stop.set()
        thread.join()
    assert all(count > 0 and count % BATCH == 0 for count in counts), counts
    assert counts == sorted(counts)


def test_restore_round_trip_keeps_the_current_database(station: Path, tmp_path: Path) -> None:
    add_rows(station, 10)
    backup = tmp_path / "monday.sqlite3"
    assert cli(tmp_path, "--db", str(station), "db", "backup", "--out", str(backup)) == 0
    add_rows(station, 5)  # Tuesday's work, which the restore replaces
    assert cli(tmp_path, "--db", str(station), "db", "restore", str(backup)) == 0
    assert rows(station) == 10
    kept = list(tmp_path.glob("station.before-restore-*.sqlite3"))
    assert len(kept) == 1 and rows(kept[0]) == 15
    from db import open_database

    database = open_database(f"sqlite:///{station}")  # the desk opens the restored file
    database.close()


def test_an_older_backup_is_restored_and_left_for_the_desk_to_upgrade(station: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    make_database(old, "0001")
    revision, kept = restore_database(old, station)
    assert revision == "0001" and kept is not None and kept.exists()
    assert inspect_database(station) == "0001"


@pytest.mark.parametrize(
    "content", [b"", b"garbage, not a database\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_restoring_garbage_is_refused_and_the_database_untouched(
    station: Path, tmp_path: Path, content: bytes
) -> None:
    add_rows(station, 3)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    before = digest(station)
    with pytest.raises(NotABackup):
        restore_database(bad, station)
    assert digest(station) == before
    assert not list(tmp_path.glob("*before-restore*"))
    assert cli(tmp_path, "--db", str(station), "db", "restore", str(bad)) == 1


def test_another_programs_database_and_a_newer_schema_are_refused(station: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    newer = tmp_path / "newer.sqlite3"
    make_database(newer)
    with connect_file(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = digest(station)
    for refused in (other, newer, tmp_path / "missing.sqlite3"):
        with pytest.raises(NotABackup):
            restore_database(refused, station)
    assert digest(station) == before


def test_restore_is_refused_while_the_database_is_open(station: Path, tmp_path: Path) -> None:
    backup = tmp_path / "b.sqlite3"
    backup_database(station, backup)
    add_rows(station, 7)
    desk = connect_file(station)  # the desk, holding the file open in WAL mode
    try:
        desk.execute("SELECT count(*) FROM ledger").fetchone()
        with pytest.raises(DatabaseInUse):
            restore_database(backup, station)
        assert desk.execute("SELECT count(*) FROM ledger").fetchone()[0] == 7
    finally:
        desk.close()
    assert rows(station) == 7


def test_backup_does_not_overwrite_without_force(station: Path, tmp_path: Path) -> None:
    out = tmp_path / "exists.sqlite3"
    out.write_bytes(b"precious")
    assert cli(tmp_path, "--db", str(station), "db", "backup", "--out", str(out)) == 2
    assert out.read_bytes() == b"precious"
    assert cli(tmp_path, "--db", str(station), "db", "backup", "--out", str(out), "--force") == 0
    assert inspect_database(out) == head_revision()
