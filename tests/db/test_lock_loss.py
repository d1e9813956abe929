"""How a station loses SQLite's locks without SQLite knowing, seen the way the end-to-end harness checks it.

A second process plays the station: it holds the encrypted WAL database open as the desk's engine does,
then opens and closes one of its files the way a header sniff or Qt's type guessing does.  The lock
table (``tests/sqlite_locks.py``, which the harness reads before every read of a running station's file
and before Ctrl+Q) shows both locks held, then the one on the file that was opened gone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sqlite_locks import IN_USE, SHARED, available, held
from tests.station_process import HOLD_DATABASE, expect, running

pytestmark = pytest.mark.skipif(not available(), reason="the kernel's lock table (/proc/locks, Linux)")

STATION = (
    HOLD_DATABASE
    + r"""
print("open", flush=True)
for line in sys.stdin:
    name = {"db": str(path), "shm": f"{path}-shm"}[line.strip()]
    with open(name, "rb") as sniffed:  # what a header check or a file-type guess does
        sniffed.read(16)
    print("sniffed", flush=True)
"""
)


@pytest.mark.parametrize(("sniffed", "lost"), [("shm", IN_USE), ("db", SHARED)])
def test_closing_another_descriptor_of_a_database_file_drops_the_lock_on_it(
    tmp_path: Path, sniffed: str, lost: str
) -> None:
    database = tmp_path / "station.sqlite3"
    with running(STATION, database, env={"FEVER_DESK_DATA": str(tmp_path / "data")}) as station:
        assert station.stdin is not None
        expect(station, "open")
        assert held(station.pid, database) == {SHARED, IN_USE}
        station.stdin.write(sniffed + "\n")
        station.stdin.flush()
        expect(station, "sniffed")
        assert held(station.pid, database) == {SHARED, IN_USE} - {lost}
