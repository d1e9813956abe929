"""Persistence adapters for fever_desk: SQLite by default, PostgreSQL by URL.

This package may use the domain core (``fever_desk``) but never Qt, devices or the UI, so reports and
the command line can open a database on a machine without a screen.  SQLite backup and restore are
:mod:`db.backup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy loads on the database worker, not while the window is being shown
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Database:
    """An open, migrated database: the engine for bulk work and a session factory for repositories."""

    engine: Engine
    session_factory: sessionmaker[Session]

    def close(self) -> None:
        """Let SQLite refresh its planner statistics (cheap, recommended on close), then release the file."""
        if self.engine.dialect.name == "sqlite":
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA optimize")
            finally:
                self.engine.dispose()
        else:
            self.engine.dispose()


def open_database(url: str) -> Database:
    """Check and migrate the database at ``url``; a plain SQLite file is encrypted first (``db.cipher``).

    Raises ``db.migrate.DatabaseProblem`` (unreadable, or from a newer version) without changing it.
    """
    from sqlalchemy.orm import sessionmaker

    from db.engine import make_engine, sqlite_path
    from db.migrate import upgrade

    path = sqlite_path(url)
    if path is not None:
        from db.cipher import encrypt_in_place, encrypt_new_files, is_plain, recover
        from db.migrate import check_sqlite_file

        recover(path)  # an encryption cut short by a crash is finished or undone first
        check_sqlite_file(path)  # never encrypt another program's file, or a newer schema; a wrong key
        if encrypt_new_files() and is_plain(path):
            encrypt_in_place(path)
    engine = make_engine(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


__all__ = ["Database", "open_database"]
