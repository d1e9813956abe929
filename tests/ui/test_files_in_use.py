"""Files another program holds, with Windows' semantics simulated (``tests.windows_files``).

An export open in Excel/WPS, a slip PDF open in a viewer, a database a SQLite browser has open: Windows
refuses to replace or delete them.  Each entry point must then name the file and say to close it, change
nothing (no half-written file, no stray temporary, no archived slip without its record), and a purge must
never leave a patient's PDF that nothing will delete.
"""

from __future__ import annotations

import os
import shutil
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from db import open_database
from db.repositories import SqlScreeningRepository
from db.retention import PENDING_FILE, read_pending
from db.slip_repository import SqlSlipPrintRepository
from fever_desk.files import FileInUse
from fever_desk.settings import save_settings
from tests.db.factories import make_screening
from tests.fever_desk import slip_cases
from tests.installer.helpers import make_database
from tests.sqlite_files import connect_file
from tests.windows_files import WindowsFiles
from ui.cli.main import main  # the real entry point, in this process so the simulation applies
from ui.services.problems import describe_error

CLOSE_IT = "请在该程序中关闭后重试"  # the Chinese sentence's ending: "close it there and try again"


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> WindowsFiles:
    return WindowsFiles(monkeypatch)


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_simulation_refuses_what_windows_refuses(tmp_path: Path, windows: WindowsFiles) -> None:
    held, other = tmp_path / "held.xlsx", tmp_path / "other.xlsx"
    held.write_text("old", encoding="utf-8")
    other.write_text("new", encoding="utf-8")
    windows.hold(held)
    for attempt in (
        lambda: os.replace(other, held),
        lambda: held.unlink(),
        lambda: held.write_text("x", encoding="utf-8"),
        lambda: shutil.move(held, tmp_path / "moved.xlsx"),
    ):
        with pytest.raises(PermissionError) as caught:
            attempt()
        assert caught.value.winerror in (5, 32)
    assert held.read_text(encoding="utf-8") == "old"  # reading is still allowed
    windows.release(held)
    os.replace(other, held)
    assert held.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".pdf"])
def test_register_export_open_in_excel_names_the_file(tmp_path, windows, capsys, suffix) -> None:
    out = tmp_path / "exports" / f"登记表{suffix}"
    out.parent.mkdir()
    out.write_bytes(b"last week's register")
    windows.hold(out)
    argv = ["export", "purchases", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert str(out) in err and CLOSE_IT in err and "Unexpected" not in err
    assert out.read_bytes() == b"last week's register"
    assert folder_listing(out.parent) == [out.name]  # no temporary left beside it
    windows.release(out)
    assert main(argv) == 0
    assert out.read_bytes() != b"last week's register"


def test_daily_report_open_in_wps_names_the_file(tmp_path, windows, capsys) -> None:
    out = tmp_path / "日报.xlsx"
    out.write_bytes(b"yesterday")
    windows.hold(out)
    assert main(["report", "daily", "--date", f"{date.today():%Y-%m-%d}", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and CLOSE_IT in err
    assert folder_listing(tmp_path).count(out.name) == 1
    assert not [name for name in folder_listing(tmp_path) if name.startswith(".")]  # no temporary left
    assert out.read_bytes() == b"yesterday"


def test_the_desk_explains_a_held_file_instead_of_unexpected_problem() -> None:
    message = describe_error(FileInUse(r"C:\Users\护士\Desktop\登记表.xlsx"))
    assert r"C:\Users\护士\Desktop\登记表.xlsx" in message and CLOSE_IT in message
    assert "意外" not in message


@pytest.fixture
def slip_station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(data))
    save_settings(slip_cases.settings(), Path(os.environ["FEVER_DESK_CONFIG"]))
    database = open_database(os.environ["FEVER_DESK_DB"])
    SqlScreeningRepository(database.session_factory).add(slip_cases.screening())
    database.close()
    return data


def slip_rows() -> list:
    database = open_database(os.environ["FEVER_DESK_DB"])
    try:
        return SqlSlipPrintRepository(database.session_factory).for_screening(slip_cases.SCREENING_ID)
    finally:
        database.close()


def test_slip_pdf_open_in_a_viewer_changes_nothing(slip_station, tmp_path, windows, capsys) -> None:
    out = tmp_path / "slip.pdf"
    out.write_bytes(b"%PDF the copy the viewer shows")
    windows.hold(out)
    assert main(["slip", "4f1b2c9d", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and CLOSE_IT in err
    assert out.read_bytes() == b"%PDF the copy the viewer shows"
    assert not [name for name in folder_listing(tmp_path) if name.startswith(".")]  # no temporary left
    assert slip_rows() == []  # no record …
    assert not list((slip_station / "slips").rglob("*.pdf"))  # … and no archived copy without one
    windows.release(out)
    assert main(["slip", "4f1b2c9d", "--out", str(out)]) == 0
    rows = slip_rows()
    assert len(rows) == 1 and Path(rows[0].archive_path).read_bytes() == out.read_bytes()


def old_screenings_with_slips(data: Path, count: int) -> list[Path]:
    """``count`` screenings from 400 days ago, each with an archived slip PDF and its print record."""
    database = open_database(os.environ["FEVER_DESK_DB"])
    screenings = SqlScreeningRepository(database.session_factory)
    prints = SqlSlipPrintRepository(database.session_factory)
    paths = []
    for n in range(count):
        screening = make_screening(f"病人{n}", created_at=datetime.now(UTC) - timedelta(days=400))
        screenings.add(screening)
        pdf = data / "slips" / "2025" / "10" / f"slip-{n}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF " + f"病人{n}".encode())
        prints.record(screening.id, f"S{n}", kind="pdf-export", archive_path=str(pdf))
        paths.append(pdf)
    database.close()
    return paths


def count_rows(table: str) -> int:
    database = open_database(os.environ["FEVER_DESK_DB"])
    try:
        with database.session_factory() as session:
            return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        database.close()


def test_purge_never_leaves_an_orphan_pdf(tmp_path, windows, monkeypatch, capsys) -> None:
    """Rule: rows first, then files from a to-do list; a held PDF is named and deleted next time."""
    data = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(data))
    pdfs = old_screenings_with_slips(data, 3)
    windows.hold(pdfs[1])
    assert main(["purge", "--older-than-days", "180", "--yes"]) == 0
    captured = capsys.readouterr()
    assert "screening\t3" in captured.out
    assert str(pdfs[1]) in captured.err
    assert count_rows("screening") == 0 and count_rows("slip_print") == 0
    assert [p.exists() for p in pdfs] == [False, True, False]
    assert read_pending(data / "slips" / PENDING_FILE) == {str(pdfs[1])}
    windows.release(pdfs[1])
    assert main(["purge", "--older-than-days", "180", "--yes"]) == 0  # nothing old left: still retried
    assert not pdfs[1].exists() and not (data / "slips" / PENDING_FILE).exists()


def test_a_purge_that_rolls_back_deletes_no_pdf(tmp_path, monkeypatch) -> None:
    """The to-do list is written before the commit; a PDF whose record survived is never deleted."""
    import db.retention

    data = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(data))
    pdfs = old_screenings_with_slips(data, 2)

    def power_cut(*_args, **_kwargs):
        raise RuntimeError("the PC lost power")

    real = db.retention.purge_older_than
    monkeypatch.setattr(db.retention, "purge_older_than", power_cut)
    assert main(["purge", "--older-than-days", "180", "--yes"]) == 1  # one line, details in the log
    assert read_pending(data / "slips" / PENDING_FILE) == {str(p) for p in pdfs}
    monkeypatch.setattr(db.retention, "purge_older_than", real)
    assert main(["purge", "--older-than-days", "9999", "--yes"]) == 0  # purges nothing, retries the list
    assert all(p.exists() for p in pdfs) and count_rows("slip_print") == 2
    assert not (data / "slips" / PENDING_FILE).exists()


def dump(path: Path) -> list[object]:
    """Every table's rows (SQLCipher's driver has no ``iterdump``)."""
    with closing(connect_file(path)) as connection:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [row[0] for row in connection.execute(query)]
        return [(name, connection.execute(f'SELECT * FROM "{name}"').fetchall()) for name in tables]


def test_restore_onto_a_held_database_changes_nothing(tmp_path, windows, capsys) -> None:
    backup, target = tmp_path / "backup.sqlite3", tmp_path / "station" / "fever_desk.sqlite3"
    target.parent.mkdir()
    make_database(backup)
    make_database(target)
    before = dump(target)
    windows.hold(target)
    assert main(["--db", str(target), "db", "restore", str(backup)]) == 1
    err = capsys.readouterr().err
    assert str(target) in err and "Traceback" not in err
    assert dump(target) == before  # (the WAL is folded in first, by design: same records)
    assert folder_listing(target.parent) == [target.name]  # no kept copy, no .restoring left


def test_backup_over_a_held_file_changes_nothing(tmp_path, windows, capsys) -> None:
    source, out = tmp_path / "station.sqlite3", tmp_path / "usb" / "backup.sqlite3"
    make_database(source)
    out.parent.mkdir()
    out.write_bytes(b"last month's backup")
    windows.hold(out)
    assert main(["--db", str(source), "db", "backup", "--out", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and CLOSE_IT in err
    assert out.read_bytes() == b"last month's backup"
    assert folder_listing(out.parent) == [out.name]
