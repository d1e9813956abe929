"""A print dialog shown over a home folder that holds the database must not let another program crash the
station.

Qt's print dialog (Ctrl+P on a slip, and the one behind the preview's Print button) completes its "print
to file" field from a list of the home folder, made with the dialog, and that list opened every file in
the folder whose name it did not know (``…-shm``) to guess its type — dropping the station's locks on it,
as the file dialogs did (``tests/ui/test_file_dialogs.py``, ``ui/desk/widgets/file_dialogs.py``).  The
station is a separate process here, its database in its home folder (where ``fever-desk --db ~/…`` puts
it, and where the end-to-end tests' stations keep theirs): it saves, shows the desk's print dialog (or
presses the preview's Print), then goes on saving while a second program reads the database again and
again.  With Qt's plain dialogs the lock was gone as soon as the dialog showed and the station died of
SIGBUS, or its saves were lost.
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
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileSystemModel

from ui.desk.widgets.file_dialogs import print_dialog, print_preview_dialog

which = sys.argv[2]
app = QApplication([])
home = str(path.parent)
done = []
printer = QPrinter()  # the dialogs keep a pointer to it, not a reference


def listed(dialog):
    # What the dialog's file field shows for every file of the home folder: its name, type and icon.
    models = dialog.findChildren(QFileSystemModel)
    if not models:
        return False
    model = models[0]
    root = model.index(home)
    names = [model.index(row, 0, root) for row in range(model.rowCount(root))]
    if not any(index.data() == path.name + "-shm" for index in names):
        return False
    shown = [(model.type(index), model.fileIcon(index)) for index in names]
    return bool(shown)


if which == "print":
    dialog = print_dialog(printer, None)
    QDialog.open(dialog)  # as the slip panel opens it: window-modal, non-blocking
    while not listed(dialog):
        app.processEvents()
else:  # the preview's own Print button makes its print dialog and runs it (a nested event loop)
    preview = print_preview_dialog(printer, None)
    preview.show()
    app.processEvents()
    button = next(a for a in preview.findChildren(QAction) if a.text().replace("&", "") == "Print")
    poll = QTimer()

    def inside():
        dialogs = [d for d in preview.findChildren(QPrintDialog) if d.isVisible()]
        if dialogs and listed(dialogs[0]):
            poll.stop()
            dialogs[0].reject()
            done.append(True)

    poll.timeout.connect(inside)
    poll.start(10)
    QTimer.singleShot(0, button.trigger)
    while not done:
        app.processEvents()
print("listed", flush=True)
"""
    + SAVE_UNTIL_STOPPED
)


@pytest.mark.parametrize("which", ["print", "preview"])
def test_a_print_dialog_over_a_home_folder_holding_the_database_then_another_reader(
    tmp_path: Path, which: str
) -> None:
    home = tmp_path / "home"
    data = home / "data"
    data.mkdir(parents=True)
    database = home / "station.sqlite3"
    env = {"HOME": str(home), "FEVER_DESK_DATA": str(data), "QT_QPA_PLATFORM": "offscreen"}
    with running(STATION, database, which, env=env) as station:
        expect(station, "listed")
        assert IN_USE in held(station.pid, database), f"the {which} dialog dropped the station's lock on -shm"
        status, out, err = read_while_saving(station, database, data)  # a second program reads the file
    assert status == 0, f"the station died (status {status}): {err}"
    assert every_save_kept(out), out
