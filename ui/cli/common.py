"""What the headless commands share: the station's own database context, and a failure in words.

Commands open the same ``ui.services.database.Database`` the desk's worker holds, so an export from the
command line reads through the same repositories (the offline outbox on a shared server included) and lands in
the audit trail as ``cli:<system user>``, exactly like one made at the desk.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any


def cli_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"cli:{user}"[:64]


def open_context(args: argparse.Namespace, station_id: str) -> Any:
    """The station's database context for ``--db`` / ``FEVER_DESK_DB``; close it when done."""
    from db.engine import database_url_from
    from ui.services.audit_hooks import set_actor
    from ui.services.database import Database

    context = Database(database_url_from(getattr(args, "db", None)))
    set_actor(context, cli_actor(), station_id)
    return context


def problem_text(error: BaseException, language: str) -> str:
    """A translated message when the error carries one (``localized(language)``), else its text."""
    localized = getattr(error, "localized", None)
    return localized(language) if callable(localized) else str(error)
