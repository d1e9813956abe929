"""Bring a county database to this build's schema with its own Alembic chain (``db/county/migrations``).

Separate from the station's chain (``db/migrations``): a county database is not a station database,
and the station's revisions must never change because the county grew a table.  The version table is
``county_alembic_version``, so the county's tables can share a database with a clinic server's.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, revision: str = "head") -> None:
    if engine.dialect.name != "postgresql":
        raise ValueError("The county database must be PostgreSQL.")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # One county migration at a time, even when two admins start at once.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(21021)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
