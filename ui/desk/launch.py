"""The command line's one door into the desk: start the window, or run the self-test that asks Qt.

``ui.cli`` imports no Qt and no ``ui.desk`` module but this one (an import-linter contract, whose single
exception is this edge), and only when ``fever-desk`` is run without a command or with ``--self-test``.
Nothing is imported here at module level, so the door costs nothing until it is used.
"""

from __future__ import annotations

from typing import TextIO


def start_desk(db: str | None) -> int:
    """Run the desk window; a start-up that fails is logged and shown in a dialog, never silent.

    On Windows the desk has no console, so an exception that escaped here used to vanish: the window
    flashed and the process exited.  ``ui.desk.runtime.startup.report_fatal`` names the log file in a
    dialog.
    """
    from ui.services.logs import log_uncaught_exceptions

    log_uncaught_exceptions()
    try:
        from db.location import chosen_database
        from ui.desk.app import run_gui

        return run_gui(chosen_database(db))
    except Exception as exc:  # noqa: BLE001 - whatever stops the start is shown, then the exit code says so
        from ui.desk.runtime.startup import report_fatal

        return report_fatal(exc)


def self_test(db_url: str, out: TextIO) -> int:
    """``fever-desk --self-test``: its printer check asks Qt, so it is the desk's (``ui.desk.self_test``)."""
    from ui.desk.self_test import run_self_test

    return run_self_test(db_url, out)
