"""Bring a database to this build's schema, refusing — without touching it — anything we cannot trust.

Two mistakes must never cost a clinic its records: opening some other file (a text file, a half-copied
backup, another program's database) and "upgrading" it, and opening a database written by a *newer*
fever_desk with this older build, which would not know what its tables mean.  Both are checked with a
read-only look before Alembic or even our own connection pragmas (which switch on WAL) run, and each
is reported as a :class:`DatabaseProblem` whose message is a plain English template for ``tr``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from db.engine import sqlite_path
from fever_desk.i18n import tr_in
from fever_desk.problems import Problem

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100  # the database header at the start of page 1
OUR_TABLES = frozenset(
    {
        "screening",
        "screening_revision",
        "purchase",
        "purchase_drug",
        "slip_print",
        "operator",
        "audit_log",
        "audit_head",
        "screening_followup",
        "daily_report",
        "observation",
        "observation_cell",
        "alembic_version",
    }
)


class DatabaseProblem(Problem):
    """A database the station will not use (a :class:`fever_desk.problems.Problem`)."""

    template = "The database cannot be used."

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)

    def localized_values(self, language: str) -> dict[str, Any]:
        # ``detail`` is one of the fixed English phrases below or a driver's message: the phrases have
        # catalogue entries, anything else falls back to the English text.
        return {
            key: tr_in(language, value) if key == "detail" else value for key, value in self.values.items()
        }


class DatabaseUnreadable(DatabaseProblem):
    template = (
        "The file {path} is not a fever_desk database or is damaged ({detail}). "
        "It has not been changed; choose another file or restore a backup."
    )


class DatabaseUnopenable(DatabaseProblem):
    """The file cannot even be reached: a folder that does not exist, a folder given as the file."""

    template = "The database {path} cannot be opened: {detail}."


class DatabaseTooNew(DatabaseProblem):
    template = (
        "The database {path} was written by a newer version of fever_desk (schema {revision}). "
        "Install the newer version; the database has not been changed."
    )


def alembic_config() -> Config:
    """A Config built in code: the scripts ship inside the package, so no alembic.ini is needed.

    No URL is set: :func:`upgrade` hands Alembic an open connection instead (a URL would also go
    through configparser interpolation, which breaks on a ``%`` in a password)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def known_revisions() -> frozenset[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(rev.revision for rev in script.walk_revisions())


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def check(engine: Engine) -> None:
    """Raise a :class:`DatabaseProblem` if the database must not be migrated; changes nothing."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        check_sqlite_file(path)
        return
    revisions = [] if engine.dialect.name == "sqlite" else _server_revisions(engine)  # in-memory: new
    _refuse_unknown(engine.url.render_as_string(), revisions)  # the password stays hidden


def check_sqlite_file(path: Path) -> None:
    """:func:`check` for a SQLite file, without an engine: read-only, so a command can ask first."""
    _refuse_unknown(str(path), _sqlite_revisions(path))


def _refuse_unknown(where: str, revisions: list[str]) -> None:
    unknown = [rev for rev in revisions if rev not in known_revisions()]
    if unknown:
        raise DatabaseTooNew(path=where, revision=", ".join(unknown))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Check (see :func:`check`), then migrate to ``revision`` in the caller's process, in code."""
    check(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_revisions(path: Path) -> list[str]:
    """Read the stamped revisions with a read-only connection, after checking the file's magic header."""
    if path.is_dir():
        raise DatabaseUnopenable(path=str(path), detail="it is a folder, not a file")
    if not path.exists():
        if not path.parent.is_dir():
            raise DatabaseUnopenable(path=str(path), detail="its folder does not exist")
        return []  # a new database: SQLite creates the file
    if path.stat().st_size == 0:
        return []  # SQLite treats an empty file as a new, empty database
    try:
        with path.open("rb") as handle:
            header = handle.read(HEADER_SIZE)
    except OSError as exc:
        raise DatabaseUnreadable(path=str(path), detail=exc.strerror or type(exc).__name__) from exc
    from db.cipher import DRIVER_ERRORS, connect, key_for

    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        # Encrypted (db.cipher), or not a database: SQLCipher pages are whole 512-byte multiples, so a
        # text file or a copy cut mid-page is told apart without the key; the rest needs the key to tell.
        if len(header) < HEADER_SIZE or path.stat().st_size % 512:
            raise DatabaseUnreadable(path=str(path), detail="not an SQLite file")
    elif _cut_short(path, header):
        raise DatabaseUnreadable(path=str(path), detail="the file is cut short (an incomplete copy?)")
    try:
        connection = connect(path, key_for(path, create=False), read_only=True)
    except DRIVER_ERRORS as exc:
        raise DatabaseUnreadable(path=str(path), detail=str(exc)) from exc
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        if "alembic_version" not in tables:
            if tables - OUR_TABLES:
                raise DatabaseUnreadable(path=str(path), detail="another program's database")
            return []
        return [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except DRIVER_ERRORS as exc:
        raise DatabaseUnreadable(path=str(path), detail=str(exc)) from exc
    finally:
        connection.close()


def _cut_short(path: Path, header: bytes) -> bool:
    """Whether the file is shorter than the page count its header records (a half-copied file).

    SQLite itself would open such a file and fail only when a query reaches a missing page, possibly
    after a command has done half its work, so it is refused up front.  The recorded count is trusted
    only when the header marks it valid (change counter equal to "version valid for", offsets 24 and
    92), and not while a WAL or rollback journal is beside it: a checkpoint or commit in another
    process can write the new header before the file has grown.
    """
    if len(header) < HEADER_SIZE:
        return True
    if int.from_bytes(header[24:28], "big") != int.from_bytes(header[92:96], "big"):
        return False
    for suffix in ("-wal", "-journal"):
        beside = path.with_name(f"{path.name}{suffix}")
        if beside.exists() and beside.stat().st_size > 0:
            return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    return pages > 0 and path.stat().st_size < pages * page_size


def _server_revisions(engine: Engine) -> list[str]:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return []
            return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError as exc:  # mostly a server out of reach: not a damaged database
        detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseUnopenable(path=engine.url.render_as_string(), detail=detail) from exc
