"""Nothing POSIX-only on the way to a start: every production module imports, and the station starts,
in an interpreter where ``termios``, ``tty``, ``pty``, ``fcntl``, ``pwd``, ``grp`` and ``resource`` do not
exist — as on the clinic's Windows PC."""

from __future__ import annotations

from pathlib import Path

from tests.windows.blocking import POSIX_ONLY, run_blocked

IMPORT_EVERYTHING = """
import importlib, pkgutil
failures = []
count = 0
for package_name in ("fever_desk", "db", "devices", "ui"):
    package = importlib.import_module(package_name)
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        try:
            importlib.import_module(info.name)
            count += 1
        except Exception as exc:
            failures.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("imported", count)
for line in failures:
    print("FAILED", line)
sys.exit(1 if failures else 0)
"""


def test_the_blocked_modules_really_are_missing() -> None:
    """The harness itself: a blocked import fails as on Windows (else the other tests prove nothing)."""
    code = "".join(
        f"try:\n    import {name}\nexcept ModuleNotFoundError:\n    print('missing', {name!r})\n"
        for name in POSIX_ONLY
    )
    result = run_blocked(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [word for name in POSIX_ONLY for word in ("missing", name)]


def test_every_production_module_imports() -> None:
    result = run_blocked(IMPORT_EVERYTHING)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[1]) > 100  # every package was walked, not an empty path


def test_version_help_and_every_subcommand_parser_build(tmp_path: Path) -> None:
    code = (
        "from ui.cli.main import build_parser, main\n"
        "parser = build_parser()\n"
        "assert parser.prog == 'fever-desk'\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as exc:\n"
        "    sys.exit(exc.code)\n"
    )
    result = run_blocked(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fever-desk ")


def test_self_test_and_db_backup_run(tmp_path: Path) -> None:
    """The two commands the installer and clinic-it.md give IT, through ``ui.cli.main.main``."""
    import os

    env = dict(os.environ)
    env["FEVER_DESK_CONFIG"] = str(tmp_path / "settings.json")
    env["FEVER_DESK_DB"] = f"sqlite:///{(tmp_path / 'station.sqlite3').as_posix()}"
    backup = tmp_path / "backup.sqlite3"
    code = (
        "from ui.cli.main import main\n"
        "from db import open_database\n"
        "open_database(__import__('os').environ['FEVER_DESK_DB']).close()\n"
        "self_test = main(['--self-test'])\n"
        f"backup = main(['db', 'backup', '--out', {str(backup)!r}])\n"
        "print('codes', self_test, backup)\n"
        "sys.exit(0 if backup == 0 and self_test in (0, 1) else 3)\n"
    )
    result = run_blocked(code, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert backup.is_file() and backup.stat().st_size > 0


def test_the_desk_window_builds_offscreen(tmp_path: Path) -> None:
    """The window with every screen, built as ``run_gui`` builds it (the worker is not started)."""
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from fever_desk.settings import Settings\n"
        "from ui.desk.app import build_window\n"
        "from pathlib import Path\n"
        "app = QApplication([])\n"
        f"settings_path = Path({str(tmp_path / 'settings.json')!r})\n"
        "window, worker = build_window('sqlite:///:memory:', Settings(), settings_path)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "print('tabs', window.tabs.count())\n"
        "window.close()\n"
    )
    result = run_blocked(code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[1]) >= 3
