"""Alembic environment of the county database (its own chain; see ``db/county/migrate.py``)."""

from __future__ import annotations

from alembic import context

from db.county.models import metadata

VERSION_TABLE = "county_alembic_version"
config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
