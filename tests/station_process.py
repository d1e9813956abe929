"""A second process playing the station, for tests of how the station's SQLite locks get lost.

At the counter the station is one process and any other program reading its database is another; POSIX
record locks are per process, so a test of lock loss needs the station in a process of its own.  The
scripts here hold the encrypted WAL database open as the desk's engine does (``HOLD_DATABASE``), let the
test do something to it, then go on saving while the test reads the file from outside
(``SAVE_UNTIL_STOPPED``, :func:`read_while_saving`).  Used by ``tests/db/test_lock_loss.py``,
``tests/ui/test_file_dialogs.py`` and ``tests/ui/test_print_dialogs.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.xdesk import closing_connection

#: How many times the second program opens the database while the station saves.
READS = 200

#: The station's database held open with the engine's pragmas, and one row saved.
HOLD_DATABASE = r"""
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
"""

#: The nurse goes on saving until the test writes a line; then how many saves, and how many rows.
SAVE_UNTIL_STOPPED = r"""
import threading

stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
saves = 1
while not stop.is_set():
    connection.execute("INSERT INTO saved VALUES (1)")
    saves += 1
print("saved", saves, connection.execute("SELECT count(*) FROM saved").fetchone()[0], flush=True)
"""


@contextmanager
def running(
    script: str, database: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """The station's script in its own process (see :func:`start`), killed if still running at the end."""
    station = start(script, database, *args, env=env)
    try:
        yield station
    finally:
        if station.poll() is None:
            station.kill()
        station.wait()


def expect(station: subprocess.Popen[str], line: str) -> None:
    """Wait for the station to say ``line``; if it says anything else or dies, fail with its error output."""
    assert station.stdout is not None
    said = station.stdout.readline().strip()
    if said != line:
        station.kill()
        raise AssertionError(f"the station said {said!r}, not {line!r}: {station.communicate()[1]}")


def start(
    script: str, database: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """The station's script in a process of its own, from the repository's root, on the encrypted file."""
    environment = {**os.environ, **(env or {})}
    environment.pop("FEVER_DESK_PLAIN_SQLITE", None)
    return subprocess.Popen(
        [sys.executable, "-c", script, str(database), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[1],
    )


def read_while_saving(station: subprocess.Popen[str], database: Path, data: Path) -> tuple[int, str, str]:
    """Open the database again and again while the station saves, then stop it.

    Returns the station's exit status, its output ("saved N M") and its error output."""
    for _ in range(READS):
        with closing_connection(database, data) as reader:
            assert reader.execute("SELECT count(*) FROM saved").fetchone()[0] >= 1
        if station.poll() is not None:
            break
    out, err = station.communicate("stop\n", timeout=60)
    return station.returncode, out, err


def every_save_kept(out: str) -> bool:
    """Whether the station's count of its saves equals the rows in its file ("saved N M")."""
    saves, rows = out.split()[1:]
    return saves == rows
