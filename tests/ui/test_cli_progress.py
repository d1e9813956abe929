"""Long command-line jobs show count, rate and time left on a terminal, and nothing extra in a pipe.

Each job runs as a real process: once with its output on a pseudo-terminal (as in a console window),
once with pipes (as in a scheduled task or ``| tee``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:  # POSIX only; the module must still be collectable on Windows
    import fcntl
    import struct
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

posix_only = pytest.mark.skipif(termios is None, reason="pseudo-terminals are POSIX (os.openpty)")

#: tqdm's line: "12000/12000 [00:01<00:00, 9876.54 rows/s]" or "3.5MB/3.5MB [00:00<00:00, 12.3MB/s]"
PROGRESS = re.compile(r"(\d[\d.]*\s?\w*)/(\d[\d.]*\s?\w*) \[\d\d:\d\d<\d\d:\d\d, +[\d.]+ ?\w*/s\]")


def fever_desk(*argv: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli.main", "--language", "en", *argv]


def on_terminal(argv: list[str], rows: int = 24, columns: int = 80) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; returns the exit code and the screen."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def in_pipes(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=120)


def pharmacy(path: Path, count: int = 1200) -> str:
    """A database holding ``count`` purchases on 3-4 February 2020."""
    from datetime import UTC, datetime

    from db import open_database
    from db.pharmacy_bulk import bulk_insert_purchases
    from fever_desk.demo_pharmacy import generate_purchases

    database = open_database(f"sqlite:///{path}")
    start, end = datetime(2020, 2, 3, 12, tzinfo=UTC), datetime(2020, 2, 4, 10, tzinfo=UTC)
    records = generate_purchases(
        count, seed=2, start=start, end=end, station_id="t", symptom_ids=("cough",), epi_ids=("cluster",)
    )
    bulk_insert_purchases(database.engine, records)
    database.close()
    return str(path)


def jobs(tmp_path: Path, run: str) -> dict[str, list[str]]:
    db = str(tmp_path / f"{run}.sqlite3")
    shop = pharmacy(tmp_path / f"{run}-pharmacy.sqlite3")
    register = ("export", "purchases", "--from", "2020-02-03", "--to", "2020-02-04", "--out")
    return {
        "demo": fever_desk("--db", db, "demo", "--screenings", "3000", "--days", "400"),
        "backup": fever_desk("--db", db, "db", "backup", "--out", str(tmp_path / f"{run}-backup.sqlite3")),
        "restore": fever_desk("--db", db, "db", "restore", str(tmp_path / f"{run}-backup.sqlite3")),
        "purge": fever_desk("--db", db, "purge", "--older-than-days", "200", "--yes"),
        "export-xlsx": fever_desk("--db", shop, *register, str(tmp_path / f"{run}.xlsx")),
        "export-pdf": fever_desk("--db", shop, *register, str(tmp_path / f"{run}.pdf")),
    }


@posix_only
def test_a_terminal_shows_count_rate_and_time_left(tmp_path: Path) -> None:
    for name, argv in jobs(tmp_path, "tty").items():
        status, screen = on_terminal(argv)
        assert status == 0, (name, screen)
        lines = [match.groups() for match in PROGRESS.finditer(screen)]
        assert lines, (name, screen)
        done, total = lines[-1]
        assert done == total, (name, screen)  # the last line shows the job complete
        if name == "demo":
            assert (done, total) == ("3000", "3000") and "rows/s" in screen
            assert "3000 synthetic screenings written" in screen
        if name.startswith("export"):
            assert total == "1200" and "1200 purchases written" in screen, screen


def test_a_pipe_gets_only_the_normal_output(tmp_path: Path) -> None:
    for name, argv in jobs(tmp_path, "pipe").items():
        result = in_pipes(argv)
        assert result.returncode == 0, (name, result.stderr)
        assert result.stderr == "", (name, result.stderr)
        assert not PROGRESS.search(result.stdout) and "\r" not in result.stdout, name
        if name == "demo":
            assert result.stdout.startswith("3000 synthetic screenings written")
            assert len(result.stdout.splitlines()) == 1
        if name.startswith("export"):
            assert result.stdout.startswith("1200 purchases written")
            assert len(result.stdout.splitlines()) == 1


@posix_only
def test_a_terminal_that_reports_no_size_still_shows_progress(tmp_path: Path) -> None:
    """A serial console or `script` reports 0x0; tqdm alone then printed nothing."""
    status, screen = on_terminal(jobs(tmp_path, "nosize")["demo"], rows=0, columns=0)
    assert status == 0
    assert ("3000", "3000") in [match.groups() for match in PROGRESS.finditer(screen)], screen


class RecordingBar:
    """Stands in for the terminal's progress line: records every position the copy reports."""

    def __init__(self) -> None:
        self.positions: list[tuple[int, int]] = []

    def at(self, done: int, total: int) -> None:
        self.positions.append((done, total))


def test_a_backup_copied_in_steps_for_the_bar_is_one_snapshot_under_a_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a progress line the copy goes page by page while the desk keeps saving 50-row batches:
    every step must read the same snapshot, so the copy holds whole batches only."""
    import threading

    import db.backup
    from db.backup import backup_database
    from tests.installer.helpers import make_database
    from tests.sqlite_files import connect_file

    monkeypatch.setattr(db.backup, "BACKUP_STEP_PAGES", 1)
    station = tmp_path / "station.sqlite3"
    make_database(station)
    with connect_file(station) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB)")
    connection.close()
    stop, started = threading.Event(), threading.Event()

    def writer() -> None:
        connection = connect_file(station, timeout=30)
        try:
            while not stop.is_set():
                with connection:
                    connection.executemany(
                        "INSERT INTO ledger (n, pad) VALUES (?, zeroblob(200))", [(i,) for i in range(50)]
                    )
                started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(10)
        bar = RecordingBar()
        backup_database(station, tmp_path / "copy.sqlite3", bar=bar)  # type: ignore[arg-type]
    finally:
        stop.set()
        thread.join()
    assert len(bar.positions) > 10
    done = [position[0] for position in bar.positions]
    assert done == sorted(done), "the copy started over: a step saw a newer snapshot"
    assert bar.positions[-1][0] == bar.positions[-1][1]
    with connect_file(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = copy.execute("SELECT count(*) FROM ledger").fetchone()[0]
    copy.close()
    assert count > 0 and count % 50 == 0
