"""How a station loses SQLite's locks without SQLite knowing, seen the way the end-to-end harness checks it.

A second process plays the station: it holds the encrypted WAL database open as the desk's engine does,
then opens and closes one of its files the way a header sniff or Qt's type guessing does.  The lock
table (``tests/sqlite_locks.py``, which the harness reads before every read of a running station's file
and before Ctrl+Q) shows both locks held, then the one on the file that was opened gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sqlite_locks import IN_USE, SHARED, available, held

pytestmark = pytest.mark.skipif(not available(), reason="the kernel's lock table (/proc/locks, Linux)")

STATION = r"""
import sys
from pathlib import Path

from db.cipher import connect, key_for
from db.engine import SQLITE_PRAGMAS

path = Path(sys.argv[1])
connection = connect(path, key_for(path), isolation_level=None)
for pragma in SQLITE_PRAGMAS:
    connection.execute(pragma)
connection.execute("CREATE TABLE IF NOT EXISTS saved (n INTEGER)")
connection.execute("INSERT INTO saved VALUES (1)")
print("open", flush=True)
for line in sys.stdin:
    name = {"db": str(path), "shm": f"{path}-shm"}[line.strip()]
    with open(name, "rb") as sniffed:  # what a header check or a file-type guess does
        sniffed.read(16)
    print("sniffed", flush=True)
"""


@pytest.mark.parametrize(("sniffed", "lost"), [("shm", IN_USE), ("db", SHARED)])
def test_closing_another_descriptor_of_a_database_file_drops_the_lock_on_it(
    tmp_path: Path, sniffed: str, lost: str
) -> None:
    database = tmp_path / "station.sqlite3"
    env = {**os.environ, "FEVER_DESK_DATA": str(tmp_path / "data")}
    env.pop("FEVER_DESK_PLAIN_SQLITE", None)
    station = subprocess.Popen(
        [sys.executable, "-c", STATION, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert station.stdout is not None and station.stdin is not None
        assert station.stdout.readline().strip() == "open"
        assert held(station.pid, database) == {SHARED, IN_USE}
        station.stdin.write(sniffed + "\n")
        station.stdin.flush()
        assert station.stdout.readline().strip() == "sniffed"
        assert held(station.pid, database) == {SHARED, IN_USE} - {lost}
    finally:
        station.kill()
        station.wait()
