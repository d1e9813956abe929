"""The pharmacy day list reads a purchase's medicines from the purchase row: ``purchase.medicines``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

The register list shows each purchase's drugs as one text (``布洛芬×1、连花清瘟×2``,
``fever_desk.day_lines.medicines_text``).  Until now the list query built that text for every row it
showed with a correlated aggregate over ``purchase_drug`` (``group_concat`` / ``string_agg``).  A
purchase is never changed once saved, so the text is now written with it, in the same insert
(``db.pharmacy_mapping.purchase_values``, used by every path that writes a purchase), and the list reads
one column (it still joins the drug lines of a row whose text is empty: ``db.day_lines._medicines``).

Existing rows are filled from their drug lines by the expression the list used before, so each shows
the text it showed: SQLite's ``group_concat`` in the order of ``purchase_drug``'s primary key (purchase,
line), PostgreSQL's ``string_agg`` ordered by line; a purchase without drug lines gets ''.  The fill
walks the table in ranges of about :data:`CHUNK` purchases by ``created_at`` (its index), one UPDATE per
range, so no statement changes many more rows than that and Python holds one value at a time (the
range's last time; rows saved at that same instant all fall in the range that reaches it, so none is
skipped or filled twice).  Time order and not the random UUID order matters on PostgreSQL, where an
UPDATE writes each row's new version wherever there is room.  Measured on the 1M-purchase benchmark
database, buffers read by a 500-row day list once VACUUM has removed the old versions: about 40 at 0010,
about 500 when filled by id (the day's rows scattered over as many pages), 45–52 when filled by time.
Until (auto)vacuum has been through the table the list also visits the old versions: 600–800 buffers
either way.  It all stays in the migration's one transaction: a failure leaves the database at 0010.
On a shared PostgreSQL server the ALTER TABLE's lock on ``purchase`` is held until that commit, so the
other counters' pharmacy lists and saves wait for the fill (54–58 s for 1M purchases on the benchmark
machine, 2 cores under a load average of about 4).

As in 0006 the column is added NOT NULL with a server default of '', so existing rows satisfy it before
the fill; the default stays (dropping it would make SQLite copy the table).  Adding a column needs no
table copy on SQLite (batch mode "auto" uses ALTER TABLE ADD COLUMN).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: Purchases filled per UPDATE.
CHUNK = 20_000

_ITEM = "d.name || '×' || CAST(d.quantity AS VARCHAR)"
_AGGREGATE = {
    "sqlite": f"group_concat({_ITEM}, '、')",
    "postgresql": f"string_agg({_ITEM}, '、' ORDER BY d.line)",
}


def _fill(bind: Any, dialect: str, offline: bool) -> None:
    """Set ``medicines`` of every purchase, range by range of ``created_at`` (see the module docstring).
    Rendered as SQL for a DBA (``alembic upgrade --sql``) there is no table to walk: one UPDATE of all."""
    text = (
        f"coalesce((SELECT {_AGGREGATE[dialect]} FROM purchase_drug d WHERE d.purchase_id = purchase.id), '')"
    )
    if offline:
        op.execute(f"UPDATE purchase SET medicines = {text}")
        return
    after: Any = None
    while True:
        above = "" if after is None else "WHERE created_at > :after"
        last = bind.execute(
            sa.text(f"SELECT created_at FROM purchase {above} ORDER BY created_at LIMIT 1 OFFSET :skip"),
            {"after": after, "skip": CHUNK - 1},
        ).scalar()
        bounds = [
            term
            for term, value in (("created_at > :after", after), ("created_at <= :last", last))
            if value is not None
        ]
        where = f"WHERE {' AND '.join(bounds)}" if bounds else ""
        bind.execute(
            sa.text(f"UPDATE purchase SET medicines = {text} {where}"), {"after": after, "last": last}
        )
        if last is None:  # fewer than CHUNK were left: that UPDATE took them all
            return
        after = last


def upgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("medicines", sa.Text(), nullable=False, server_default=""))
    context = op.get_context()
    _fill(op.get_bind(), context.dialect.name, context.as_sql)
    if context.dialect.name == "postgresql":
        op.execute("ANALYZE purchase")  # every row was rewritten: fresh statistics for the planner


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN, not a batch copy, for 0006's reason: the copy drops and recreates
        # ``purchase``, which with foreign keys on would delete its drug lines (ON DELETE CASCADE).
        op.execute("ALTER TABLE purchase DROP COLUMN medicines")
    else:
        op.drop_column("purchase", "medicines")
