"""A save dialog shown over the station's database folder must not let another program crash the station.

The station is a separate process here (as it is at the counter): it holds its encrypted WAL database
open and saves, shows the desk's save dialog on the folder holding the database, then saves again after
a second program has read the database.  With Qt's plain dialog the second save died of SIGBUS (the
dialog opened ``-shm`` to guess its type, which dropped the station's lock on it; see
``ui/desk/widgets/file_dialogs.py``), as the observation desk's end-to-end test did when it read the
file while the slip's "Save as PDF" dialog had listed the station's folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.sqlite_locks import IN_USE, held
from tests.station_process import (
    HOLD_DATABASE,
    SAVE_UNTIL_STOPPED,
    every_save_kept,
    expect,
    read_while_saving,
    running,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX record locks (/proc/locks of Linux)")

STATION = (
    HOLD_DATABASE
    + r"""
from PySide6.QtWidgets import QApplication, QFileSystemModel

from ui.desk.widgets.file_dialogs import file_dialog

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
"""
    + SAVE_UNTIL_STOPPED
)


def test_a_save_dialog_over_the_database_folder_then_another_reader_then_a_save(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    data = folder / "data"
    data.mkdir(parents=True)
    database = folder / "station.sqlite3"
    with running(
        STATION, database, env={"FEVER_DESK_DATA": str(data), "QT_QPA_PLATFORM": "offscreen"}
    ) as station:
        expect(station, "listed")
        assert IN_USE in held(station.pid, database), "the dialog dropped the station's lock on the -shm file"
        status, out, err = read_while_saving(station, database, data)  # a second program reads the file
    assert status == 0, f"the station died (status {status}): {err}"
    assert every_save_kept(out), out
