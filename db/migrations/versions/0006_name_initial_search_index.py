"""Search by surname within a day from one index: ``name_initial`` and its (initial, time, name) index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

``name_initial`` is the first character of ``name_key`` (``fever_desk.search.name_initial``), on
``screening`` and ``purchase``.  The index ``(name_initial, created_at, name_key)`` answers "names
starting with 王 today, newest first" as an equality and a time range (``db/search.py``); the older
``(name_key, created_at)`` index had to visit every 王 ever saved.  Existing rows are filled in by one
UPDATE (``substr`` counts characters on both SQLite and PostgreSQL, as Python's ``[:1]`` does).

The column is added with a server default of '' so that existing rows satisfy NOT NULL before the
UPDATE; the default stays (dropping it would make SQLite copy the whole table), and the application
always writes the value itself.  Batch mode on SQLite: adding a column and an index needs no table copy;
the downgrade uses SQLite's own DROP COLUMN for the reason given there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("screening", "purchase")


def _key(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_initial", _key(4), nullable=False, server_default=""))
        op.execute(f"UPDATE {table} SET name_initial = substr(name_key, 1, 1)")
        with op.batch_alter_table(table) as batch:
            batch.create_index(
                f"ix_{table}_name_initial_created_at_name_key", ["name_initial", "created_at", "name_key"]
            )
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"ANALYZE {table}")  # the planner needs the new column's statistics at once


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        op.drop_index(f"ix_{table}_name_initial_created_at_name_key", table_name=table)
        if sqlite:
            # Not a batch copy, which drops and recreates the table: with foreign keys on, that fails for
            # ``screening`` (its revisions point at it) and would delete ``purchase``'s drug lines (ON
            # DELETE CASCADE).  SQLite >= 3.35 drops an unindexed column in place.
            op.execute(f"ALTER TABLE {table} DROP COLUMN name_initial")
        else:
            op.drop_column(table, "name_initial")
