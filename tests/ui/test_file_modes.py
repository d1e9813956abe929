"""Every file the station and its command line create is 0600 and every folder 0700 — checked on disk.

The real ``fever-desk`` runs as separate processes started with the usual umask 022 (so the station has
to make its files private itself), with the platform's default folders (data, settings, logs) under a
temporary home.  Then the folders are walked.  A second test starts on files an earlier version left
readable by everyone (an upgrade): one start makes them private and says so in the log.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from db.cipher import ENV_PLAIN, connect, is_plain, key_for
from fever_desk.settings import save_settings
from tests.fever_desk import slip_cases

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="file modes are POSIX; Windows uses the profile's ACL"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The platform's default folders under ``tmp_path``, for the children and for this process."""
    for name in ("FEVER_DESK_CONFIG", "FEVER_DESK_DB", "FEVER_DESK_LOG_DIR", "FEVER_DESK_DATA", ENV_PLAIN):
        monkeypatch.delenv(name, raising=False)
    for name, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(name, str(tmp_path / folder))
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def fever_desk(env: dict[str, str], *argv: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=lambda: os.umask(0o022),  # what a desktop session gives; the station must do better
    )
    assert done.returncode == 0, (argv, done.stderr)
    return done.stdout


def station_folders(tmp_path: Path) -> list[Path]:
    return [
        tmp_path / "data" / "fever-desk",
        tmp_path / "config" / "fever-desk",
        tmp_path / "state" / "fever-desk",
    ]


def too_wide(paths: list[Path]) -> list[str]:
    """Everything under ``paths`` (folders walked) whose mode is not exactly 0700 (folder) or 0600 (file)."""
    found = []
    for top in paths:
        entries = [top, *top.rglob("*")] if top.is_dir() else [top]
        for entry in entries:
            mode = stat.S_IMODE(entry.lstat().st_mode)
            if mode != (0o700 if entry.is_dir() else 0o600):
                found.append(f"{oct(mode)} {entry}")
    return found


def test_every_file_the_station_and_its_commands_create_is_private(
    tmp_path: Path, home: dict[str, str]
) -> None:
    data, config, _logs = station_folders(tmp_path)
    out = tmp_path / "usb"  # the user's own folder for exports: its files must be private, not the folder
    out.mkdir()
    fever_desk(home, "demo", "--screenings", "30")
    assert too_wide([config / "settings.json"]) == []  # made by the station itself
    # The slip needs the station setup; this process writes it (umask 022), the next command tightens it.
    save_settings(slip_cases.settings(), config / "settings.json")
    fever_desk(
        home,
        "user",
        "add",
        "chen",
        "--role",
        "administrator",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    database = data / "fever_desk.sqlite3"
    with connect(database, key_for(database), read_only=True) as connection:
        screening_id = connection.execute("SELECT id FROM screening LIMIT 1").fetchone()[0]
    today = date.today().isoformat()
    written = [
        out / name for name in ("report.xlsx", "purchases.csv", "slip.pdf", "backup.sqlite3", "key.txt")
    ]
    fever_desk(home, "report", "daily", "--date", today, "--out", str(written[0]))
    fever_desk(home, "export", "purchases", "--from", today, "--to", today, "--out", str(written[1]))
    fever_desk(home, "slip", screening_id, "--out", str(written[2]))
    fever_desk(home, "db", "backup", "--out", str(written[3]))
    fever_desk(home, "key", "export", "--out", str(written[4]))
    fever_desk(home, "purge", "--older-than-days", "1")
    fever_desk(
        {**home, "FEVER_DESK_EXIT_AFTER_SHOW": "1"}
    )  # the desk itself, offscreen, until its window shows
    assert all(path.is_file() for path in written)
    assert list((data / "slips").rglob("*.pdf")), "the slip was archived"
    assert (data / "database.key").is_file() and not is_plain(database)
    assert list((tmp_path / "state").rglob("fever-desk.log"))
    assert too_wide(station_folders(tmp_path)) == []
    assert too_wide(written) == []


def test_an_upgrade_makes_wider_files_private_once_and_logs_it(tmp_path: Path, home: dict[str, str]) -> None:
    data, _config, logs = station_folders(tmp_path)
    fever_desk({**home, ENV_PLAIN: "1"}, "demo", "--screenings", "20")  # as an earlier version left it ...
    archive = data / "slips" / "2020" / "02"
    archive.mkdir(parents=True)
    (archive / "9C3A-200207-4F1B2C.pdf").write_bytes(b"%PDF-1.4 slip")
    for folder in station_folders(tmp_path):
        for entry in [folder, *folder.rglob("*")]:
            entry.chmod(0o755 if entry.is_dir() else 0o644)  # ... readable by every account on the PC
    database = data / "fever_desk.sqlite3"
    assert is_plain(database) and too_wide(station_folders(tmp_path))
    fever_desk(home, "user", "list")
    assert too_wide(station_folders(tmp_path)) == []
    assert not is_plain(database)  # and the plain database is encrypted by the same start
    log = next(logs.rglob("fever-desk.log")).read_text(encoding="utf-8")
    assert log.count("are now private") == 1 and str(data) in log
    fever_desk(home, "user", "list")
    assert next(logs.rglob("fever-desk.log")).read_text(encoding="utf-8").count("are now private") == 1
