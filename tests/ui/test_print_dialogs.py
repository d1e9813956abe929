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

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.xdesk import closing_connection
from tests.ui.test_file_dialogs import READS, station_holds_its_lock

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX record locks (struct flock of Linux)")

STATION = r"""
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileSystemModel

from db.cipher import connect, key_for
from db.engine import SQLITE_PRAGMAS
from ui.desk.widgets.file_dialogs import print_dialog, print_preview_dialog

path, which = Path(sys.argv[1]), sys.argv[2]
connection = connect(path, key_for(path), isolation_level=None)
for pragma in SQLITE_PRAGMAS:
    connection.execute(pragma)
connection.execute("CREATE TABLE IF NOT EXISTS saved (n INTEGER)")
connection.execute("INSERT INTO saved VALUES (1)")

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

stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
saves = 1
while not stop.is_set():  # the nurse goes on saving while the other program reads
    connection.execute("INSERT INTO saved VALUES (1)")
    saves += 1
print("saved", saves, connection.execute("SELECT count(*) FROM saved").fetchone()[0], flush=True)
"""


@pytest.mark.parametrize("which", ["print", "preview"])
def test_a_print_dialog_over_a_home_folder_holding_the_database_then_another_reader(
    tmp_path: Path, which: str
) -> None:
    home = tmp_path / "home"
    data = home / "data"
    data.mkdir(parents=True)
    database = home / "station.sqlite3"
    env = {**os.environ, "HOME": str(home), "FEVER_DESK_DATA": str(data), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FEVER_DESK_PLAIN_SQLITE", None)
    station = subprocess.Popen(
        [sys.executable, "-c", STATION, str(database), which],
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
        assert station_holds_its_lock(database), f"the {which} dialog dropped the station's lock on -shm"
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
