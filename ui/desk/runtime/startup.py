"""A start-up that cannot fail silently: a fatal error shown in a dialog that names the log file.

The windowed desk on Windows has no console, so a traceback printed there goes nowhere: the window
flashed and the program exited with code 70, leaving clinic IT nothing to read.  Every run writes to the
station's log file (``ui.services.logs``), and a start-up that fails shows a dialog that names that file.

Nothing here imports Qt at module level: the dialog falls back to the system's own message box when Qt
itself is what is broken.
"""

from __future__ import annotations

import sys
import traceback

from fever_desk.i18n import tr
from ui.services.logs import current_log_file, log

FATAL_EXIT = 70  # EX_SOFTWARE, as before: scripts that watch the exit code see no change


def fatal_message(error: BaseException) -> str:
    """What the dialog says: the problem in one line, and where the details are."""
    problem = f"{type(error).__name__}: {error}"
    where = current_log_file()
    if where is None:
        return tr("The desk could not start: {problem}", problem=problem)
    return tr(
        "The desk could not start: {problem}\n\nThe details are in the log file:\n{log}",
        problem=problem,
        log=str(where),
    )


def report_fatal(error: BaseException) -> int:
    """Log the traceback, tell the person at the PC in a dialog, and return the exit code for a fatal start.

    The dialog is Qt's when Qt loads; on Windows, where a missing Qt DLL is itself a likely cause, the
    system's own message box (user32 ``MessageBoxW``) is the fallback; elsewhere stderr, if there is one.
    """
    log.error("start-up failed", exc_info=(type(error), error, error.__traceback__))
    message = fatal_message(error)
    if sys.stderr is not None:
        print(message, file=sys.stderr)
    try:
        _qt_dialog(message)
    except Exception:  # noqa: BLE001 - Qt itself may be what is broken; fall back, never raise from here
        log.error("the error dialog could not be shown:\n%s", traceback.format_exc())
        _system_dialog(message)
    return FATAL_EXIT


def _qt_dialog(message: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        _keep.append(QApplication(sys.argv[:1]))
    box = QMessageBox(QMessageBox.Icon.Critical, tr("fever-desk cannot start"), message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # IT copies the path
    box.exec()


def _system_dialog(message: str) -> None:
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, tr("fever-desk cannot start"), 0x10)


_keep: list[object] = []
