"""A start-up that cannot fail silently: the log file, the fatal dialog, and a process without stderr.

The windowed ``fever-desk.exe`` on Windows starts with ``sys.stdout`` and ``sys.stderr`` set to None.
These tests start the real ``ui.cli.main.main`` in a fresh interpreter in that state.  A fatal start is
provoked the way it happens in the field: a module the build lacks (PyInstaller missed it, an
antivirus quarantined it) is made unimportable with ``sys.modules[name] = None``.  The dialog is read
and closed by a timer standing in for the person at the PC.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.windows.blocking import ROOT

WINDOWED_DESK = """
import sys
sys.modules[{blocked!r}] = None
sys.stdout = sys.stderr = None  # what a windowed .exe starts with
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication(sys.argv[:1])
seen = []

def read_and_close_the_dialog():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            seen.append(widget.windowTitle() + "\\n" + widget.text())
            widget.accept()
            return
    QTimer.singleShot(50, read_and_close_the_dialog)

QTimer.singleShot(0, read_and_close_the_dialog)
from ui.cli.main import main
code = main([])
with open({report!r}, "w", encoding="utf-8") as report:
    report.write("\\n---\\n".join(seen))
sys.exit(code)
"""


def desk_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEVER_DESK_", "PYTHON"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        FEVER_DESK_CONFIG=str(tmp_path / "config" / "settings.json"),
        FEVER_DESK_DB=f"sqlite:///{(tmp_path / 'station.sqlite3').as_posix()}",
        FEVER_DESK_DATA=str(tmp_path / "data"),
        FEVER_DESK_KEY_STORE="file",  # the database key in the data folder, never a real keyring
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
    )
    return env


# On Linux platformdirs puts user_log_dir under $XDG_STATE_HOME; on Windows %LOCALAPPDATA%\fever-desk\Logs.
LOG = Path("xdg-state", "fever-desk", "log", "fever-desk.log")


@pytest.mark.parametrize(
    "blocked",
    [
        "ui.desk.main_window",  # before any window: the import of the window itself fails
        "ui.desk.pharmacy.screen",  # after the window shows: one screen of the stepwise build fails
    ],
)
def test_a_fatal_start_is_shown_in_a_dialog_naming_the_log(tmp_path: Path, blocked: str) -> None:
    report = tmp_path / "dialog.txt"
    code = WINDOWED_DESK.format(blocked=blocked, report=str(report))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=desk_env(tmp_path), capture_output=True, timeout=300
    )
    log = tmp_path / LOG
    assert result.returncode == 70, result.stderr.decode("utf-8", "replace")
    shown = report.read_text(encoding="utf-8")
    assert "工作站无法启动" in shown  # the title and the sentence, in the default language
    assert str(log) in shown  # names the file IT should read
    assert blocked in shown
    written = log.read_text(encoding="utf-8")
    assert "start-up failed" in written and "Traceback" in written and blocked in written


def test_every_run_logs_under_the_platform_log_folder(tmp_path: Path) -> None:
    from fever_desk import __version__

    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "guideline", "list"],
        cwd=ROOT,
        env=desk_env(tmp_path),
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"fever-desk {__version__}" in (tmp_path / LOG).read_text(encoding="utf-8")


def test_a_log_folder_that_cannot_be_made_costs_the_log_not_the_command(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    env = desk_env(tmp_path)
    env["FEVER_DESK_LOG_DIR"] = str(blocker / "logs")
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--version"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"), [(["--version"], 0), (["guideline", "list"], 0), (["triage"], 2), (["db"], 2)]
)
def test_no_stdout_or_stderr_is_no_crash(tmp_path: Path, argv: list[str], expected: int) -> None:
    """The windowed exe given a command (a shortcut with arguments): nothing to print to, still works."""
    code = (
        "import sys\nsys.stdout = sys.stderr = None\n"
        f"from ui.cli.main import main\nsys.exit(main({argv!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=desk_env(tmp_path), capture_output=True, timeout=300
    )
    assert result.returncode == expected, result.stderr
    assert result.stderr == b"" and result.stdout == b""


def test_an_exception_in_a_slot_is_logged_by_the_windowed_desk(tmp_path: Path) -> None:
    """After the start, an uncaught exception (a button's slot) leaves its traceback in the log."""
    code = (
        "import sys\n"
        "sys.stdout = sys.stderr = None\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "def broken_button():\n"
        "    raise RuntimeError('a broken button')\n"
        "QTimer.singleShot(0, broken_button)\n"
        "from ui.cli.main import main\n"
        "sys.exit(main([]))\n"
    )
    env = desk_env(tmp_path)
    env["FEVER_DESK_EXIT_AFTER_SHOW"] = "1"  # quit once the screens are ready (as `make bench` does)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / LOG).read_text(encoding="utf-8")
    assert "uncaught exception" in written and "RuntimeError: a broken button" in written, written
