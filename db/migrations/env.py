"""Alembic environment for fever_desk, usable without an alembic.ini.

``db.migrate.upgrade`` builds the Config in code and hands over an open connection in
``config.attributes["connection"]``; a developer writing a new revision can instead run
``alembic -x url=sqlite:///path.sqlite3 -c /dev/null ...`` with ``script_location`` set, and a throwaway
engine is made from that URL.  ``render_as_batch`` is on because SQLite can alter a table only by
copying it, and batch mode does that copy for us.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

# Importing registers each feature's tables on Base.metadata.
from db import models_accounts, models_pharmacy, models_reports, models_slips  # noqa: F401
from db.engine import make_engine
from db.models import Base
from db.observation import models as observation_models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
