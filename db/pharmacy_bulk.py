"""Load many purchases fast (demo data and the 1M-row benchmark).

The repository saves one purchase per transaction, right for the counter and far too slow for a million
rows.  With ``db/bulk.py``'s RowWriter and BulkLoad, rows go through the repository's mapping and each
column type's own bind processor (so they are stored exactly as the repository stores them) and are
written with one driver-level ``executemany`` per batch and table, committing every ``rows_per_commit``
purchases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import Engine

from db.bulk import BulkLoad, RowWriter
from db.models import to_utc
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.pharmacy_mapping import drug_values, purchase_values
from fever_desk.pharmacy import Purchase


def bulk_insert_purchases(
    engine: Engine, purchases: Iterable[Purchase], batch: int = 10_000, *, rows_per_commit: int = 100_000
) -> int:
    """Insert ``purchases`` with their drug lines; returns how many purchases were written."""
    heads, lines = RowWriter(PURCHASE, engine), RowWriter(PURCHASE_DRUG, engine)
    now = datetime.now(UTC)
    source = iter(purchases)
    with BulkLoad(engine, rows_per_commit) as load:
        while chunk := list(islice(source, batch)):
            head_rows, line_rows = [], []
            for purchase in chunk:
                values = purchase_values(purchase)
                values["created_at"] = to_utc(purchase.created_at) if purchase.created_at else now
                head_rows.append(heads.prepare(values))
                line_rows.extend(lines.prepare(line) for line in drug_values(purchase))
            load.connection.exec_driver_sql(heads.sql, head_rows)
            if line_rows:
                load.connection.exec_driver_sql(lines.sql, line_rows)
            load.wrote(len(chunk))
        return load.finish()
