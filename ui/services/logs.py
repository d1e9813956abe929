"""The station's log file, for every run of ``fever-desk``: the desk, and each command.

The windowed desk on Windows has no console (``sys.stderr`` is None), so a traceback printed there goes
nowhere.  Every run therefore writes to a rotating log file in the platform's log folder
(platformdirs ``user_log_dir``: ``%LOCALAPPDATA%\\fever-desk\\Logs`` on Windows,
``~/.local/state/fever-desk/log`` on Linux, ``~/Library/Logs/fever-desk`` on macOS;
``FEVER_DESK_LOG_DIR`` overrides it).  No Qt here: the command line logs too, over SSH, without a display;
the desk's fatal start-up dialog that names this file is ``ui.desk.runtime.startup``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TextIO

LOG_ENV = "FEVER_DESK_LOG_DIR"
LOG_NAME = "fever-desk.log"
#: Five files of 1 MB: months of start-ups and warnings, never a full disk.
MAX_BYTES, BACKUPS = 1_000_000, 5

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
