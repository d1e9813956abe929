"""The desk's side of files another program holds (Windows semantics simulated, ``tests.windows_files``):
the banner names the file instead of "Unexpected problem", and the purge names the slip PDFs a viewer
still has open while deleting every record and every other PDF."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from db import open_database
from db.repositories import SqlScreeningRepository
from db.retention import PENDING_FILE, read_pending
from db.slip_repository import SqlSlipPrintRepository
from fever_desk.accounts import Role
from tests.db.factories import make_screening
from tests.sqlite_files import use_data_folder
from tests.ui.conftest import Desk
from tests.ui.test_settings import log_in_as
from tests.windows_files import WindowsFiles

CLOSE_IT = "请在该程序中关闭后重试"


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> WindowsFiles:
    return WindowsFiles(monkeypatch)


def test_a_report_export_open_in_excel_is_named_in_the_banner(desk: Desk, qtbot, tmp_path, windows) -> None:
    window = desk.window
    log_in_as(qtbot, window, "admin", Role.ADMINISTRATOR)
    qtbot.waitUntil(lambda: window.has_screens, timeout=20000)
    out = tmp_path / "日报.xlsx"
    out.write_bytes(b"yesterday's report")
    windows.hold(out)
    window.reports.export_to(out)
    qtbot.waitUntil(lambda: window.banner.isVisible() and str(out) in window.banner.text(), timeout=20000)
    assert CLOSE_IT in window.banner.text() and "意外" not in window.banner.text()
    assert out.read_bytes() == b"yesterday's report"
    assert window.reports.export_button.isEnabled()  # ready to try again once Excel is closed


def test_the_desk_purge_names_a_pdf_open_in_a_viewer(
    desk: Desk, qtbot, tmp_path, windows, monkeypatch
) -> None:
    data = tmp_path / "data"
    use_data_folder(monkeypatch, data)
    database = open_database(desk.db_url)
    pdfs = []
    for n in range(2):
        screening = make_screening(f"病人{n}", created_at=datetime.now(UTC) - timedelta(days=400))
        SqlScreeningRepository(database.session_factory).add(screening)
        pdf = data / "slips" / "2025" / "10" / f"S{n}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF")
        SqlSlipPrintRepository(database.session_factory).record(
            screening.id, f"S{n}", kind="pdf-export", archive_path=str(pdf)
        )
        pdfs.append(pdf)
    database.close()
    windows.hold(pdfs[0])
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    window = desk.window
    log_in_as(qtbot, window, "admin", Role.ADMINISTRATOR)
    cutoff = datetime.now().astimezone() - timedelta(days=window.settings.retention_days)
    window.purge._answered(QMessageBox.StandardButton.Yes, cutoff)
    qtbot.waitUntil(lambda: bool(told), timeout=20000)
    assert str(pdfs[0]) in told[0] and "下次清理时会删除" in told[0]
    database = open_database(desk.db_url)
    with database.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM screening")).scalar_one() == 0
        assert session.execute(text("SELECT count(*) FROM slip_print")).scalar_one() == 0
    database.close()
    assert pdfs[0].exists() and not pdfs[1].exists()
    assert read_pending(data / "slips" / PENDING_FILE) == {str(pdfs[0])}
    windows.release(pdfs[0])
    told.clear()
    window.purge._confirm(0, [], cutoff)  # nothing old is left: the held PDF is retried all the same
    qtbot.waitUntil(lambda: bool(told), timeout=20000)
    assert not pdfs[0].exists() and not (data / "slips" / PENDING_FILE).exists()
    assert os.listdir(data / "slips" / "2025" / "10") == []
