"""Where the database lives and how connections to it are set up.

The desk runs on one PC per counter, usually with a single SQLite file in the user's data folder; a
clinic that wants one shared database points ``--db`` (or ``FEVER_DESK_DB``) at PostgreSQL instead.
Every SQLite connection gets the same pragmas from a ``connect`` listener, so that no code path can
forget them: WAL lets the today list read while a save is writing; ``synchronous=FULL`` makes a save
the nurse saw confirmed survive a power cut (NORMAL stays consistent but may drop the last commits, and
a patient who has left cannot be registered again); ``foreign_keys`` makes revisions unable to point
at nothing; and ``busy_timeout`` makes a second process wait for a lock rather than fail at once.

A PostgreSQL server is across a network that can fail, so its connections get a short connect timeout
(a counter whose server is gone must say so in seconds, not after the operating system's two minutes),
TCP keepalives and ``tcp_user_timeout`` (a pulled cable breaks a waiting statement instead of hanging the
worker), and ``pool_pre_ping`` (after a server restart the pool's dead connections are replaced quietly
instead of failing the next save).  Anything given in the URL's query wins over these defaults.
A SQLite file is encrypted with SQLCipher unless it is an existing plain one (``db.cipher``): the
engine then uses the ``sqlcipher3`` driver (a fork of ``sqlite3``, so the pysqlite dialect and every
hook here work unchanged) and keys each new connection before the pragmas.

Windows ignores the keepalive counts and has no ``tcp_user_timeout``, so the desk's server store
(``db.offline``) adds application-level limits that work everywhere: ``db.deadline``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from db.location import ENV_VAR as ENV_VAR  # re-exported: callers know these from here
from db.location import FILE_NAME as FILE_NAME
from db.location import chosen_database
from db.location import default_database_url as default_database_url

#: How long a save waits for another writer's lock before "database is locked".  SQLite's lock is not a
#: queue: a waiting writer sleeps and tries again, and others may get in first each time, so under load
#: (eight processes saving on one file, 2 busy cores) one writer was starved past 5 s
#: (tests/db/test_concurrency.py).  A nurse's save runs on the database worker, never the screen, so
#: waiting longer costs a busy indicator, while failing costs a "not saved" and the record typed again.
BUSY_TIMEOUT_MS = 30_000
#: libpq connection settings for a server (seconds, except ``tcp_user_timeout`` in ms); see the docstring.
PG_CONNECT_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
    "application_name": "fever_desk",
}

SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
)


def database_url_from(cli_value: str | None) -> str:
    """The chosen URL (see ``db.location``), checked: a malformed URL is refused before anything opens."""
    url = chosen_database(cli_value)
    make_url(url)  # raises ArgumentError (a ValueError) for a malformed URL
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory or non-SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def compact_json(value: Any) -> str:
    """JSON columns without padding and with Chinese kept as UTF-8: a third smaller than the default,
    which matters at a million rows, and readable when someone opens the file with a SQLite browser."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the station's connection settings; PostgreSQL needs only its driver installed.

    A plain-text connection to a server that is not on this PC is refused here, before any connection
    (``db.transport``): every engine the station makes comes through this function."""
    from db.transport import check_transport  # db.transport imports db.migrate, which imports us

    kwargs.setdefault("json_serializer", compact_json)
    parsed = make_url(url)
    check_transport(parsed)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("psycopg", "psycopg2"):
        connect_args = dict(kwargs.get("connect_args") or {})
        for key, value in PG_CONNECT_DEFAULTS.items():
            if key not in parsed.query:
                connect_args.setdefault(key, value)
        kwargs["connect_args"] = connect_args
        kwargs.setdefault("pool_pre_ping", True)
    key = None
    path = sqlite_path(url)
    if path is not None:
        from db.cipher import key_for, sqlcipher

        key = key_for(path)  # None for a plain file; DatabaseKeyMissing for an encrypted one without key
        if key is not None:
            kwargs.setdefault("module", sqlcipher)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        if key is not None:
            event.listen(engine, "connect", functools.partial(_sqlite_key, key))
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_key(key: bytes, dbapi_connection: Any, _record: Any) -> None:
    """SQLCipher (``db.cipher``): the key goes first, before any pragma reads the file."""
    from db.cipher import apply_key

    apply_key(dbapi_connection, key)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions only before DML and runs CREATE/ALTER in autocommit, so a
    # migration interrupted half-way (the desk closed during its first start) left a half-built file
    # that never opened again.  Taking transaction control from the driver (SQLAlchemy's documented
    # pysqlite recipe) makes every migration, like every save, all or nothing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
