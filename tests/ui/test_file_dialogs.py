"""A save dialog shown over the station's database folder must not let another program crash the station.

The station is a separate process here (as it is at the counter): it holds its encrypted WAL database
open and saves, shows the desk's save dialog on the folder holding the database, then saves again after
a second program has read the database.  With Qt's plain dialog the second save died of SIGBUS (the
dialog opened ``-shm`` to guess its type, which dropped the station's lock on it; see
``ui/desk/widgets/file_dialogs.py``), as the observation desk's end-to-end test did when it read the
file while the slip's "Save as PDF" dialog had listed the station's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.xdesk import closing_connection

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX record locks (struct flock of Linux)")

#: ``os_unix.c``: UNIX_SHM_BASE ((22 + SQLITE_SHM_NLOCK) * 4) + SQLITE_SHM_NLOCK
SHM_DMS_BYTE = 128
READS = 200

STATION = r"""
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileSystemModel

from db.cipher import connect, key_for
from db.engine import SQLITE_PRAGMAS
from ui.desk.widgets.file_dialogs import file_dialog

path = Path(sys.argv[1])
connection = connect(path, key_for(path), isolation_level=None)
for pragma in SQLITE_PRAGMAS:
    connection.execute(pragma)
connection.execute("CREATE TABLE IF NOT EXISTS saved (n INTEGER)")
connection.execute("INSERT INTO saved VALUES (1)")

app = QApplication([])
dialog = file_dialog(None, "Save the slip as PDF", path.parent)
model = dialog.findChild(QFileSystemModel)
dialog.open()
listed = []
model.directoryLoaded.connect(listed.append)
while str(path.parent) not in listed:
    app.processEvents()
root = model.index(str(path.parent))
names = [model.index(row, 0, root) for row in range(model.rowCount(root))]
# what the dialog's detail view shows for every file: its type and icon
shown = [(model.type(index), model.fileIcon(index)) for index in names]
assert any(index.data() == path.name + "-shm" for index in names), [index.data() for index in names]
print("listed", flush=True)
import threading

stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
saves = 1
while not stop.is_set():  # the nurse goes on saving while the other program reads
    connection.execute("INSERT INTO saved VALUES (1)")
    saves += 1
print("saved", saves, connection.execute("SELECT count(*) FROM saved").fetchone()[0], flush=True)
"""


def test_a_save_dialog_over_the_database_folder_then_another_reader_then_a_save(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    data = folder / "data"
    data.mkdir(parents=True)
    database = folder / "station.sqlite3"
    env = {**os.environ, "FEVER_DESK_DATA": str(data), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FEVER_DESK_PLAIN_SQLITE", None)
    station = subprocess.Popen(
        [sys.executable, "-c", STATION, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert station.stdout is not None and station.stdin is not None
        assert station.stdout.readline().strip() == "listed", station.stderr.read() if station.stderr else ""
        assert station_holds_its_lock(database), "the dialog dropped the station's lock on the -shm file"
        for _ in range(READS):  # the second program, opening the database again and again
            with closing_connection(database, data) as reader:
                assert reader.execute("SELECT count(*) FROM saved").fetchone()[0] >= 1
            if station.poll() is not None:
                break
        out, err = station.communicate("stop\n", timeout=60)
    finally:
        if station.poll() is None:
            station.kill()
            station.wait()
    assert station.returncode == 0, f"the station died (status {station.returncode}): {err}"
    saves, rows = out.split()[1:]
    assert saves == rows, out  # every save is in the file


def station_holds_its_lock(database: Path) -> bool:
    """Whether another process holds SQLite's "in use" lock (the DMS byte) on the ``-shm`` file.

    SQLite's unix VFS keeps a shared lock on byte 128 of ``-shm`` while it uses the file; a program that
    finds that byte free resets the file (``os_unix.c``, ``unixLockSharedMemory``)."""
    import fcntl
    import struct

    request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, SHM_DMS_BYTE, 1, 0)
    descriptor = os.open(f"{database}-shm", os.O_RDWR)
    try:
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, request)
    finally:
        os.close(descriptor)  # this test process holds no lock on it: closing drops nothing
    return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK
