"""Exports that leave the station (#17): 0600, marked as personal information, optionally an AES ZIP.

Through the real ``fever-desk`` process (``python -m ui.cli``) and through the operations the desk calls;
every file is read back as the recipient would open it (openpyxl, csv, the PDF's text, pyzipper).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
import pyzipper
from openpyxl import load_workbook

from db import open_database
from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.export_files import MARKER, MARKER_EN, MARKER_ZH, PASSWORD_ALPHABET, one_time_password
from fever_desk.settings import Settings, save_settings
from tests.fever_desk.pharmacy_cases import ID_NUMBER, purchase
from tests.pdf import pdf_text

ROOT = Path(__file__).resolve().parents[2]
POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX permissions")
PASSWORD_LINE = re.compile(r"([2-9A-Z]{4}(?:-[2-9A-Z]{4}){4})")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = os.environ["FEVER_DESK_DB"]
    save_settings(
        Settings(station_id="desk-1", station_name="同心大药房", institution="同心大药房"),
        Path(os.environ["FEVER_DESK_CONFIG"]),
    )
    database = open_database(url)
    repo = SqlPurchaseRepository(database.session_factory)
    repo.add(purchase(at=datetime(2020, 2, 3, 10, 0).astimezone()))
    database.close()
    return url


def fever_desk(*argv: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """The real command, with a permissive umask: the file's mode must not depend on the user's."""

    def widen() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--language", "en", *argv],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        preexec_fn=widen if os.name == "posix" else None,
    )


def export(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return fever_desk("export", "purchases", "--from", "2020-02-03", "--out", str(out), *extra)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def audit_details() -> list[tuple[str, str, str]]:
    from sqlalchemy import text

    from db.engine import make_engine

    engine = make_engine(os.environ["FEVER_DESK_DB"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action, record_kind, detail FROM audit_log ORDER BY sequence"))
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found


def test_the_marker_is_in_both_languages() -> None:
    assert "个人信息" in MARKER_ZH and "personal information" in MARKER_EN and "," not in MARKER
    assert MARKER.startswith(MARKER_ZH) and MARKER.endswith(MARKER_EN)


def test_one_time_passwords_are_grouped_unambiguous_and_new_each_time() -> None:
    passwords = {one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4] * 5
        assert set("".join(groups)) <= set(PASSWORD_ALPHABET)
    assert not set("01OIL") & set(PASSWORD_ALPHABET)


@POSIX
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".pdf"])
def test_register_from_the_cli_is_0600_and_marked_first(db_url: str, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"register{suffix}"
    result = export(out)
    assert result.returncode == 0, result.stderr
    assert mode(out) == 0o600
    if suffix == ".csv":
        first, headers = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))[:2]
        assert first == [MARKER] and headers[:2] == ["登记时间", "姓名"]
    elif suffix == ".xlsx":
        rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
        assert rows[0][0] == MARKER and ID_NUMBER in rows[4]
    else:
        pages = pdf_text(out).split("\f")
        assert all(MARKER_ZH in page.replace("\n", "") for page in pages)
    assert PASSWORD_LINE.search(result.stdout) is None  # no password for a plain file


@POSIX
def test_register_replacing_an_open_file_still_ends_0600(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    out.write_text("an older, world-readable copy")
    out.chmod(0o644)
    assert export(out).returncode == 0
    assert mode(out) == 0o600 and MARKER in out.read_text(encoding="utf-8-sig")


def test_register_zip_from_the_cli_opens_with_the_printed_password_only(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    result = export(out, "--zip")
    assert result.returncode == 0, result.stderr
    passwords = PASSWORD_LINE.findall(result.stdout)
    assert len(passwords) == 1, result.stdout  # printed once
    zipped = tmp_path / "register.xlsx.zip"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("register")) == [zipped.name]
    if os.name == "posix":
        assert mode(zipped) == 0o600
    with pyzipper.AESZipFile(zipped) as archive:
        assert archive.namelist() == ["register.xlsx"]
        extra = archive.getinfo("register.xlsx").extra  # WinZip AES field: id 0x9901, "AE", strength
        assert extra[:2] == b"\x01\x99" and extra[6:8] == b"AE" and extra[8] == 3  # 3 = AES-256
        with pytest.raises(RuntimeError):  # encrypted: no password, no content
            archive.read("register.xlsx")
        archive.setpassword(b"ABCD-EFGH-JKMN-PQRS-TUVW")
        with pytest.raises(RuntimeError):
            archive.read("register.xlsx")
        archive.setpassword(passwords[0].encode())
        book = load_workbook(io.BytesIO(archive.read("register.xlsx")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == MARKER and ID_NUMBER in rows[4]
    assert ID_NUMBER.encode() not in zipped.read_bytes()
    assert ("export", "purchase_register", "rows=1 zip=yes") in audit_details()


def test_daily_report_zip_from_the_cli(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "日报告.csv"
    result = fever_desk("report", "daily", "--date", "2020-02-03", "--out", str(out), "--zip")
    assert result.returncode == 0, result.stderr
    (password,) = PASSWORD_LINE.findall(result.stdout)
    zipped = tmp_path / "日报告.csv.zip"
    assert not out.exists() and zipped.exists()
    with pyzipper.AESZipFile(zipped) as archive:
        archive.setpassword(password.encode())
        text = archive.read("日报告.csv").decode("utf-8-sig")
    assert text.splitlines()[0] == MARKER and "报告单位" in text
    assert ("export", "daily_report", "日报告.csv.zip zip=yes") in audit_details()


@POSIX
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".pdf"])
def test_daily_report_from_the_cli_is_0600_and_marked(db_url: str, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report{suffix}"
    result = fever_desk("report", "daily", "--date", "2020-02-03", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert mode(out) == 0o600
    if suffix == ".csv":
        assert out.read_text(encoding="utf-8-sig").splitlines()[0] == MARKER
    elif suffix == ".xlsx":
        assert load_workbook(out).worksheets[0]["A1"].value == MARKER
    else:
        assert MARKER_ZH in pdf_text(out).replace("\n", "")
    assert ("export", "daily_report", f"report{suffix} zip=no") in audit_details()


def test_the_operations_return_the_password_and_log_the_zip(db_url: str, tmp_path: Path) -> None:
    """What the desk's worker runs: the password comes back to be shown, and only there."""
    from ui.services.database import Database
    from ui.services.pharmacy import export_register
    from ui.services.reports import ReportingStation, export_report

    ctx = Database(db_url)
    try:
        day = date(2020, 2, 3)
        register = export_register(ctx, day, day, tmp_path / "r.csv", "同心大药房", zipped=True)
        station = ReportingStation("desk-1", "同心大药房", "同心大药房", "王药师", time(16, 0))
        report = export_report(ctx, station, day, tmp_path / "d.pdf", zipped=True)
    finally:
        ctx.close()
    assert register.rows == 1 and register.file.zipped and register.file.path.name == "r.csv.zip"
    assert report.file is not None and report.file.path.name == "d.pdf.zip"
    assert register.file.password != report.file.password
    with pyzipper.AESZipFile(register.file.path) as archive:
        archive.setpassword(register.file.password.encode())
        assert ID_NUMBER in archive.read("r.csv").decode("utf-8-sig")
    with pyzipper.AESZipFile(report.file.path) as archive:
        archive.setpassword(report.file.password.encode())
        assert archive.read("d.pdf").startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".zip") == ["d.pdf.zip", "r.csv.zip"]
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "d.pdf").exists()


@POSIX
def test_a_slip_saved_as_pdf_from_the_cli_is_0600_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.repositories import SqlScreeningRepository
    from tests.fever_desk import slip_cases

    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    save_settings(slip_cases.settings(), Path(os.environ["FEVER_DESK_CONFIG"]))
    database = open_database(os.environ["FEVER_DESK_DB"])
    SqlScreeningRepository(database.session_factory).add(slip_cases.screening())
    database.close()
    out = tmp_path / "out" / "slip.pdf"
    out.parent.mkdir()
    result = fever_desk("slip", str(slip_cases.SCREENING_ID)[:8], "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert mode(out) == 0o600 and out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == ["slip.pdf"]


def test_the_one_time_password_is_kept_nowhere(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Database, audit trail, settings, logs, data folder, the ZIP itself: not one copy of the password."""
    from tests.sqlite_files import use_data_folder

    use_data_folder(monkeypatch, tmp_path / "data")  # the station's key goes along with its folder
    out = tmp_path / "data" / "exports" / "register.csv"  # under the data folder: listed for retention
    out.parent.mkdir(parents=True)
    result = export(out, "--zip")
    assert result.returncode == 0, result.stderr
    (password,) = PASSWORD_LINE.findall(result.stdout)
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert {p.name for p in files} >= {"station.sqlite3", "register.csv.zip", "settings.json"}
    assert (tmp_path / "data" / "exports-ledger.txt") in files
    holding = [p for p in files if password.encode() in p.read_bytes()]
    assert holding == []


def test_every_page_of_a_long_pdf_register_carries_the_marker(tmp_path: Path) -> None:
    from fever_desk.registers import RegisterMeta, write_register

    day = date(2020, 2, 3)
    buyers = [purchase(name=f"王{n:03d}", at=datetime(2020, 2, 3, 9, 0).astimezone()) for n in range(90)]
    out = tmp_path / "long.pdf"
    write_register(out, buyers, RegisterMeta("同心大药房", day, day))
    pages = pdf_text(out).split("\f")
    assert len(pages) >= 3
    assert all(MARKER_ZH in page.replace("\n", "") for page in pages)
