"""Where the database lives and how connections to it are set up.

The desk runs on one PC per counter, usually with a single SQLite file in the user's data folder; a
clinic that wants one shared database points ``--db`` (or ``FEVER_DESK_DB``) at PostgreSQL instead.
Every SQLite connection gets the same pragmas from a ``connect`` listener, so that no code path can
forget them: WAL lets the today list read while a save is writing; ``synchronous=FULL`` makes a save
the nurse saw confirmed survive a power cut (NORMAL stays consistent but may drop the last commits, and
a patient who has left cannot be registered again); ``foreign_keys`` makes revisions unable to point
at nothing; and ``busy_timeout`` makes a second process wait for a lock rather than fail at once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "FEVER_DESK_DB"
FILE_NAME = "fever_desk.sqlite3"
BUSY_TIMEOUT_MS = 5000

SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
)


def default_database_url() -> str:
    """The SQLite file in the per-user data folder, created on first use so SQLite can make the file."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("fever-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / FILE_NAME).as_posix()}"


def database_url_from(cli_value: str | None) -> str:
    """``--db`` beats ``FEVER_DESK_DB`` beats the default, so a one-off run never needs the environment.

    A bare path (no ``://``) is accepted as a SQLite file, because that is what people type.
    """
    for candidate in (cli_value, os.environ.get(ENV_VAR)):
        if candidate and candidate.strip():
            return _as_url(candidate.strip())
    return default_database_url()


def _as_url(value: str) -> str:
    if "://" in value:
        make_url(value)  # raises ArgumentError (a ValueError) for a malformed URL, before anything opens
        return value
    return f"sqlite:///{Path(value).expanduser().resolve().as_posix()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory or non-SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def compact_json(value: Any) -> str:
    """JSON columns without padding and with Chinese kept as UTF-8: a third smaller than the default,
    which matters at a million rows, and readable when someone opens the file with a SQLite browser."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the station's connection settings; PostgreSQL needs only its driver installed."""
    kwargs.setdefault("json_serializer", compact_json)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
