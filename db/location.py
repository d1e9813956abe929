"""Where the database is, worked out without importing SQLAlchemy.

The desk must show its window before anything heavy loads (SQLAlchemy and Alembic take longer to import
than Qt does), so the GUI path resolves the URL here and leaves opening and validating it to the
database worker; ``db.engine`` adds the strict URL check for the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "FEVER_DESK_DB"
FILE_NAME = "fever_desk.sqlite3"


def default_database_url() -> str:
    """The SQLite file in the per-user data folder, created on first use so SQLite can make the file."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("fever-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / FILE_NAME).as_posix()}"


def chosen_database(cli_value: str | None) -> str:
    """``--db`` beats ``FEVER_DESK_DB`` beats the default, so a one-off run never needs the environment.

    A bare path (no ``://``) is accepted as a SQLite file, because that is what people type.
    """
    for candidate in (cli_value, os.environ.get(ENV_VAR)):
        if candidate and candidate.strip():
            value = candidate.strip()
            if "://" in value:
                return value
            return f"sqlite:///{Path(value).expanduser().resolve().as_posix()}"
    return default_database_url()
