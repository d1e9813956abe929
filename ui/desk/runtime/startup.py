"""A start-up that cannot fail silently: a log file on every OS, and a fatal error shown in a dialog.

The windowed desk on Windows has no console (``sys.stderr`` is None), so a traceback printed there goes
nowhere: the window flashed and the program exited with code 70, leaving clinic IT nothing to read.
Now every run of ``fever-desk`` writes to a rotating log file in the platform's log folder
(platformdirs ``user_log_dir``: ``%LOCALAPPDATA%\\fever-desk\\Logs`` on Windows,
``~/.local/state/fever-desk/log`` on Linux, ``~/Library/Logs/fever-desk`` on macOS;
``FEVER_DESK_LOG_DIR`` overrides it), and a start-up that fails shows a dialog that names that file.

Nothing here imports Qt at module level: the command line logs too, over SSH, without a display.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import TextIO

from fever_desk.i18n import tr

LOG_ENV = "FEVER_DESK_LOG_DIR"
LOG_NAME = "fever-desk.log"
#: Five files of 1 MB: months of start-ups and warnings, never a full disk.
MAX_BYTES, BACKUPS = 1_000_000, 5
FATAL_EXIT = 70  # EX_SOFTWARE, as before: scripts that watch the exit code see no change

log = logging.getLogger("fever_desk.startup")


class _StationLog(logging.handlers.RotatingFileHandler):
    """Marks the handler this module installed, so a second ``setup_logging`` replaces it."""


class _Stderr(logging.StreamHandler):
    """Warnings still reach the console, as they did before the log file (logging's last resort prints
    them only while no handler exists).  ``sys.stderr`` is looked up at each record: it may be
    replaced (tests) or None (the windowed desk, where the record is skipped)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    @property
    def stream(self) -> TextIO | None:  # type: ignore[override]
        return sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        # A traceback belongs in the log file: the console gets the one line the command prints.
        if sys.stderr is not None and not record.exc_info:
            super().emit(record)


def log_folder() -> Path:
    override = os.environ.get(LOG_ENV)
    if override:
        return Path(override)
    from platformdirs import user_log_dir

    return Path(user_log_dir("fever-desk", appauthor=False))


def setup_logging() -> Path | None:
    """Send warnings and errors of every module (and start-ups) to the rotating log file; its path.

    A folder that cannot be written (a locked-down profile) costs the log, never the start: None.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StationLog | _Stderr)]:
        root.removeHandler(handler)
        handler.close()
    root.addHandler(_Stderr())
    path = log_folder() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _StationLog(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path


def log_uncaught_exceptions() -> None:
    """Exceptions nobody catches (a Qt slot, a thread) go to the log too, then to the previous hook.

    PySide6 hands an exception raised in a slot to ``sys.excepthook``, which prints it to a stderr that
    the windowed desk does not have: without this, a failing button would leave no trace at all.
    """
    if getattr(sys.excepthook, "_fever_desk", False):
        return
    previous, previous_thread = sys.excepthook, threading.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.error("uncaught exception", exc_info=(kind, error, trace))
        previous(kind, error, trace)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            name = args.thread.name if args.thread else "?"
            log.error("uncaught exception in thread %s", name, exc_info=args.exc_value)
        previous_thread(args)

    hook._fever_desk = True  # type: ignore[attr-defined]
    sys.excepthook = hook
    threading.excepthook = thread_hook


def current_log_file() -> Path | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _StationLog):
            return Path(handler.baseFilename)
    return None


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
