"""The desk's exports (#17): the save dialog starts in Documents every time, "Encrypted ZIP" is offered,
and the one-time password stays on screen until dismissed — and opens the ZIP the desk wrote.

The two file-choosing dialogs are answered by the test (they are the operating system's); everything
after the choice is the real screen, worker, database and file.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from openpyxl import load_workbook
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog

from fever_desk.export_files import MARKER
from fever_desk.settings import Settings, save_settings
from tests.fever_desk.pharmacy_cases import ID_NUMBER, purchase
from ui.desk.pharmacy.register_export import ExportDialog
from ui.desk.pharmacy.screen import PharmacyScreen
from ui.desk.reports.screen import ReportsScreen
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.export_privacy import PasswordDialog
from ui.services.database import Database
from ui.services.problems import describe_error


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    settings = Settings(
        station_id="desk-1", station_name="同心大药房", institution="同心大药房", operator="张药师"
    )
    path = tmp_path / "config" / "settings.json"
    save_settings(settings, path)
    worker: Worker[Database] = Worker(lambda: Database(f"sqlite:///{tmp_path / 'desk.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    try:
        yield station
    finally:
        worker.stop()


class SaveDialog:
    """Stands in for the system's save dialog: records where it was told to start, answers ``answer``."""

    def __init__(self, answer: Path) -> None:
        self.answer = answer
        self.started_in: list[str] = []

    def __call__(self, _parent: Any, _title: str, start: str = "", _filters: str = "") -> tuple[str, str]:
        self.started_in.append(start)
        return str(self.answer), ""


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user whose Documents folder exists (Qt reads $HOME and the XDG user dirs at each call)."""
    folder = tmp_path / "home"
    (folder / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    return folder


def documents() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    assert folder == Path(os.environ["HOME"]) / "Documents"
    return folder


def open_zip(path: Path, password: str, member: str) -> bytes:
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(password.encode())
        return archive.read(member)


def test_report_export_starts_in_documents_each_time_and_shows_the_password(
    qtbot, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = ReportsScreen(station)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.view is not None, timeout=5000)
    first = SaveDialog(tmp_path / "usb" / "日报告.csv")
    first.answer.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "ask_save_path", first)
    screen.zip_box.setChecked(True)
    with qtbot.waitSignal(screen.exported, timeout=20000) as done:
        screen.export_button.click()
    zipped = done.args[0]
    assert zipped == tmp_path / "usb" / "日报告.csv.zip" and not (tmp_path / "usb" / "日报告.csv").exists()
    dialog = screen.password_dialog
    assert isinstance(dialog, PasswordDialog) and dialog.isVisible()
    qtbot.wait(200)
    assert dialog.isVisible()  # stays until dismissed
    text = open_zip(zipped, dialog.typed_password(), "日报告.csv").decode("utf-8-sig")
    assert text.splitlines()[0] == MARKER
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    # The next export starts in Documents again, not on the USB stick chosen last time.
    second = SaveDialog(tmp_path / "plain.pdf")
    monkeypatch.setattr(file_dialogs, "ask_save_path", second)
    screen.zip_box.setChecked(False)
    with qtbot.waitSignal(screen.exported, timeout=20000):
        screen.export_button.click()
    for start in (*first.started_in, *second.started_in):
        assert Path(start).parent == documents() and Path(start).name.startswith("日报告_")
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "plain.pdf").stat().st_mode) == 0o600


def test_register_export_dialog_offers_the_zip_and_the_password_opens_it(
    qtbot, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = datetime.now().astimezone()
    station.worker.submit(lambda ctx: ctx.purchases.add(purchase(at=today)), lambda _r: None, print)
    screen = PharmacyScreen(station)
    qtbot.addWidget(screen)

    def accept_with_zip(dialog: ExportDialog) -> int:
        assert not dialog.zipped.isChecked()  # off unless chosen
        dialog.zipped.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", accept_with_zip)
    save = SaveDialog(tmp_path / "register.xlsx")
    monkeypatch.setattr(file_dialogs, "ask_save_path", save)
    with qtbot.waitSignal(screen.exported, timeout=20000) as done:
        screen.export_button.click()
    path, rows = done.args[0]
    assert path == tmp_path / "register.xlsx.zip" and rows == 1
    assert Path(save.started_in[0]).parent == documents()
    dialog = screen.password_dialog
    assert isinstance(dialog, PasswordDialog) and dialog.isVisible()
    book = load_workbook(io.BytesIO(open_zip(path, dialog.typed_password(), "register.xlsx")))
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet_rows[0][0] == MARKER and ID_NUMBER in sheet_rows[4]
    with pytest.raises(RuntimeError):
        open_zip(path, "WRONG-PASS-WORD-XXXX-YYYY", "register.xlsx")
    dialog.reject()


def test_the_register_csv_written_at_the_desk_is_marked(qtbot, station: Station, tmp_path: Path) -> None:
    station.worker.submit(
        lambda ctx: ctx.purchases.add(purchase(at=datetime.now().astimezone())), lambda _r: None, print
    )
    screen = PharmacyScreen(station)
    qtbot.addWidget(screen)
    out = tmp_path / "register.csv"
    with qtbot.waitSignal(screen.exported, timeout=20000):
        screen.export_to(out, date.today(), date.today())
    first, headers = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))[:2]
    assert first == [MARKER] and headers[1] == "姓名" and screen.password_dialog is None


def test_without_a_documents_folder_the_dialogs_start_at_home(
    qapp, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.desk.widgets.export_privacy import start_path

    assert start_path("r.xlsx") == str(home / "Documents" / "r.xlsx")
    (home / "Documents").rmdir()
    assert start_path("r.xlsx") == str(home / "r.xlsx")
