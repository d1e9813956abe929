"""Retention covers files (#17): a purge deletes the archived slips of the purged screenings and the
exports written under the data folder that hold only purged days; the dry run lists them first; a file
another program holds goes on the pending-deletion list and is deleted at the next purge.

Real files, made by the real commands (``fever-desk slip``, ``export purchases``), read back from disk.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from db import open_database
from db.pharmacy_repository import SqlPurchaseRepository
from db.repositories import SqlScreeningRepository
from fever_desk import export_ledger
from fever_desk.settings import save_settings
from tests.fever_desk import pharmacy_cases, slip_cases
from tests.windows_files import WindowsFiles

ROOT = Path(__file__).resolve().parents[2]
OLD = datetime.now(UTC) - timedelta(days=400)
RECENT = datetime.now(UTC) - timedelta(days=2)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A station whose data folder is ``tmp/data``, with an old screening and old and recent purchases."""
    folder = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder))
    save_settings(slip_cases.settings(), Path(os.environ["FEVER_DESK_CONFIG"]))
    database = open_database(os.environ["FEVER_DESK_DB"])
    old = dataclasses.replace(slip_cases.screening(), created_at=OLD)
    SqlScreeningRepository(database.session_factory).add(old)
    purchases = SqlPurchaseRepository(database.session_factory)
    purchases.add(pharmacy_cases.purchase(at=OLD.astimezone()))
    purchases.add(pharmacy_cases.purchase(name="李四", at=RECENT.astimezone()))
    database.close()
    return folder


def fever_desk(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--language", "en", *argv],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


def ok(*argv: str) -> str:
    result = fever_desk(*argv)
    assert result.returncode == 0, result.stderr
    return result.stdout


def day(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d}"


def make_files(data: Path, tmp_path: Path) -> dict[str, Path]:
    """An archived slip, two exports inside the data folder (old, recent), one outside (old)."""
    ok("slip", str(slip_cases.SCREENING_ID)[:8], "--out", str(tmp_path / "handed-out.pdf"))
    (slip,) = (data / "slips").rglob("*.pdf")
    (data / "exports").mkdir()
    files = {
        "slip": slip,
        "old_export": data / "exports" / "old.csv",
        "recent_export": data / "exports" / "recent.xlsx",
        "outside_export": tmp_path / "usb" / "old.csv",
    }
    files["outside_export"].parent.mkdir()
    ok("export", "purchases", "--from", day(OLD), "--out", str(files["old_export"]))
    ok("export", "purchases", "--from", day(RECENT), "--out", str(files["recent_export"]))
    ok("export", "purchases", "--from", day(OLD), "--out", str(files["outside_export"]))
    assert all(path.exists() for path in files.values())
    return files


def test_purge_from_the_cli_lists_then_deletes_the_files_of_the_purged_days(
    data: Path, tmp_path: Path
) -> None:
    files = make_files(data, tmp_path)
    listed = ok("purge", "--older-than-days", "180", "--dry-run")
    assert "screening\t1" in listed and "purchase\t1" in listed
    assert "Files to delete (archived slips, exports in the data folder): 2" in listed
    assert f"  {files['slip']}" in listed and f"  {files['old_export'].resolve()}" in listed
    assert str(files["recent_export"]) not in listed and str(files["outside_export"]) not in listed
    assert all(path.exists() for path in files.values())  # a dry run changes nothing

    done = ok("purge", "--older-than-days", "180", "--yes")
    assert "Files deleted: 2" in done
    assert not files["slip"].exists() and not files["old_export"].exists()
    assert files["recent_export"].exists()  # its records are kept
    assert files["outside_export"].exists()  # left the station: not the station's to delete
    again = ok("purge", "--older-than-days", "180", "--dry-run")
    assert "screening\t0" in again
    assert "Files to delete (archived slips, exports in the data folder): 0" in again


def test_dry_run_and_yes_cannot_be_combined(data: Path) -> None:
    result = fever_desk("purge", "--dry-run", "--yes")
    assert result.returncode == 2 and "--yes" in result.stderr


def test_only_exports_under_the_data_folder_are_listed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert export_ledger.record(folder, folder / "exports" / "a.csv", date(2020, 2, 1))
    assert not export_ledger.record(folder, tmp_path / "elsewhere.csv", date(2020, 2, 1))
    assert not export_ledger.record(folder, folder / ".." / "escaped.csv", date(2020, 2, 1))
    (folder / "exports").mkdir()
    (folder / "exports" / "a.csv").write_text("x")
    assert export_ledger.due(folder, date(2020, 2, 1)) == []  # covers the cutoff's own day: kept
    assert export_ledger.due(folder, date(2020, 2, 2)) == [str((folder / "exports" / "a.csv").resolve())]
    if os.name == "posix":
        assert (export_ledger.ledger_path(folder).stat().st_mode & 0o777) == 0o600


def test_a_held_export_waits_on_the_pending_list_and_goes_at_the_next_purge(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.services.database import Database
    from ui.services.slips import pending_deletions

    files = make_files(data, tmp_path)
    cutoff = datetime.now().astimezone() - timedelta(days=180)
    windows = WindowsFiles(monkeypatch)
    windows.hold(files["old_export"])
    ctx = Database(os.environ["FEVER_DESK_DB"])
    try:
        from ui.services.admin import files_older_than, purge_older_than

        first = purge_older_than(ctx, cutoff, 180)
        assert first.files_left == [str(files["old_export"].resolve())]
        assert files["old_export"].exists() and not files["slip"].exists()
        assert str(files["old_export"].resolve()) in pending_deletions(data).read_text(encoding="utf-8")
        windows.release(files["old_export"])
        assert files_older_than(ctx, cutoff) == []  # off the ledger: the pending list owns it now
        second = purge_older_than(ctx, cutoff, 180)
    finally:
        ctx.close()
    assert second.files_left == [] and not files["old_export"].exists()
    assert not pending_deletions(data).exists() and files["recent_export"].exists()


def rows_older_than(cutoff: datetime) -> int:
    from ui.services.admin import count_older_than
    from ui.services.database import Database

    ctx = Database(os.environ["FEVER_DESK_DB"])
    try:
        return sum(count_older_than(ctx, cutoff).values())
    finally:
        ctx.close()


@pytest.fixture
def admin_desk(qtbot, data: Path) -> Iterator[Any]:
    from ui.desk.runtime.workers import Worker
    from ui.desk.station import Station
    from ui.services.database import Database
    from ui.services.problems import describe_error

    settings = slip_cases.settings()
    settings_path = Path(os.environ["FEVER_DESK_CONFIG"])
    worker: Worker[Database] = Worker(lambda: Database(os.environ["FEVER_DESK_DB"]))
    station = Station(settings, settings_path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    try:
        yield station
    finally:
        worker.stop()


def test_the_desk_shows_the_count_and_the_files_before_it_deletes(
    qtbot, admin_desk: Any, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QWidget

    from ui.desk.admin.purge_action import PurgeAction

    files = make_files(data, tmp_path)
    window = QWidget()
    qtbot.addWidget(window)
    action = PurgeAction(admin_desk, window)
    action.start()
    qtbot.waitUntil(lambda: action._box is not None, timeout=10000)
    box = action._box
    rows = rows_older_than(action.cutoff())  # the screening, its slip print, the purchase, its drugs
    assert f"{rows} 条记录" in box.text() and "2 个文件" in box.text()  # the slip and the old export
    assert box.detailedText().splitlines() == sorted([str(files["slip"]), str(files["old_export"].resolve())])
    box.done(QMessageBox.StandardButton.No)
    qtbot.wait(200)
    assert files["slip"].exists() and files["old_export"].exists()  # "No" deletes nothing

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    action.start()
    qtbot.waitUntil(lambda: action._box is not None, timeout=10000)
    action._box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    assert "已删除文件：2 个" in told[0]
    assert not files["slip"].exists() and not files["old_export"].exists()
    assert files["recent_export"].exists() and files["outside_export"].exists()
