"""Build the PyInstaller bundle into a temporary folder and run it as a clinic PC would: no Python, no repo.

Slow (a build takes about half a minute on two cores), so marked ``slow``; CI runs it.  The bundle gets its
own settings, database and data folder through the environment, and ``PYTHONPATH`` is removed so nothing
can be imported from the source tree by accident.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from db.backup import inspect_database
from db.migrate import head_revision
from fever_desk import __version__
from tests.installer.helpers import digest, make_database, report_marks
from tests.services import service_missing
from tests.sqlite_files import connect_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "fever_desk.spec"
ESSENTIAL = ("Database", "Migrations", "Fonts", "Guidelines", "Translations")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle, built once for this module; returns the folder ``fever-desk/``."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[test]' (it is in the test extras)")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        service_missing("objdump, which PyInstaller needs on Linux,", "binutils")
    base = tmp_path_factory.mktemp("bundle")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(base / "dist"), "--workpath", str(base / "work"), str(SPEC)]
    result = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return base / "dist" / "fever-desk"


def executable(bundle: Path) -> Path:
    # On Windows the desk itself is windowed (no stdout); fever-desk-cli.exe is the console twin.
    return bundle / ("fever-desk-cli.exe" if sys.platform == "win32" else "fever-desk")


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))  # this process shares the bundle's key
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "FEVER_DESK_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        FEVER_DESK_CONFIG=str(tmp_path / "config" / "settings.json"),
        FEVER_DESK_DB=str(tmp_path / "data" / "fever_desk.sqlite3"),
        FEVER_DESK_DATA=str(tmp_path / "data"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        FEVER_DESK_KEY_STORE="file",  # the database key in the data folder, never this machine's keyring
    )
    (tmp_path / "data").mkdir()
    return env


def run(bundle: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable(bundle)), *argv],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        cwd=Path(env["FEVER_DESK_DATA"]),
    )


def test_the_bundle_carries_its_data_files(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "db" / "migrations" / "env.py").is_file(), "Alembic runs env.py as a source file"
    assert len(list((internal / "db" / "migrations" / "versions").glob("*.py"))) == len(
        list((ROOT / "db" / "migrations" / "versions").glob("*.py"))
    )
    assert (internal / "fever_desk" / "guidelines" / "national-v4.toml").is_file()
    assert (internal / "fever_desk" / "locales" / "zh_CN" / "installer.toml").is_file()
    assert (internal / "installer" / "icons" / "fever-desk.png").is_file()
    fonts = internal / "fever_desk" / "data" / "fonts"
    assert (fonts / "WenQuanYiMicroHei-GBK.ttf").is_file() and (fonts / "LICENSE.txt").is_file()
    assert not (internal / "PySide6" / "QtQml.abi3.so").exists() and not list(internal.glob("**/*QtQuick*"))


def test_version(bundle: Path, station: dict[str, str]) -> None:
    result = run(bundle, station, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fever-desk {__version__}"


def test_self_test_on_a_fresh_station(bundle: Path, station: dict[str, str]) -> None:
    result = run(bundle, station, "--self-test")
    marks = report_marks(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(marks.get(name) == "✓" for name in ESSENTIAL), result.stdout
    assert (
        str(bundle / "_internal" / "fever_desk" / "data" / "fonts" / "WenQuanYiMicroHei-GBK.ttf")
        in result.stdout
    )
    assert not Path(station["FEVER_DESK_DB"]).exists()


def test_migrations_run_from_the_bundle(bundle: Path, station: dict[str, str]) -> None:
    result = run(bundle, station, "demo", "--screenings", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    db = Path(station["FEVER_DESK_DB"])
    with connect_file(db) as connection:  # encrypted, with the key the bundle made
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        assert connection.execute("SELECT count(*) FROM screening").fetchone()[0] == 20
    connection.close()
    result = run(bundle, station, "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(report_marks(result.stdout).get(name) == "✓" for name in ESSENTIAL), result.stdout


def test_an_older_database_is_reported_and_left_alone(bundle: Path, station: dict[str, str]) -> None:
    db = Path(station["FEVER_DESK_DB"])
    make_database(db, "0001")
    before = digest(db)
    result = run(bundle, station, "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert report_marks(result.stdout)["Migrations"] == "!"
    assert digest(db) == before


def test_backup_from_the_bundle(bundle: Path, station: dict[str, str], tmp_path: Path) -> None:
    make_database(Path(station["FEVER_DESK_DB"]))
    out = tmp_path / "backup.sqlite3"
    result = run(bundle, station, "db", "backup", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert inspect_database(out) == head_revision()
