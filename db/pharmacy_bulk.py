"""Load many purchases fast (demo data and the 1M-row benchmark).

The repository saves one purchase per transaction, right for the counter and far too slow for a million
rows.  As in ``db/bulk.py``, rows go through the repository's mapping and each column type's own bind
processor (so they are stored exactly as the repository stores them) and are written with one
driver-level ``executemany`` per batch and table, committing every ``rows_per_commit`` purchases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Engine, Table, insert

from db.models import to_utc
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.pharmacy_mapping import drug_values, purchase_values
from fever_desk.pharmacy import Purchase

BULK_CACHE_KIB = 256 * 1024


class _Writer:
    """The compiled INSERT for one table and a function turning a values dict into driver parameters."""

    def __init__(self, table: Table, engine: Engine) -> None:
        dialect = engine.dialect
        keys = [column.key for column in table.columns]
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.order = list(compiled.positiontup or []) if compiled.positional else keys
        self.processors = [(key, table.c[key].type.bind_processor(dialect)) for key in self.order]

    def prepare(self, values: dict[str, Any]) -> Any:
        converted = [values[key] if proc is None else proc(values[key]) for key, proc in self.processors]
        return tuple(converted) if self.positional else dict(zip(self.order, converted, strict=True))


def bulk_insert_purchases(
    engine: Engine, purchases: Iterable[Purchase], batch: int = 10_000, *, rows_per_commit: int = 100_000
) -> int:
    """Insert ``purchases`` with their drug lines; returns how many purchases were written."""
    heads, lines = _Writer(PURCHASE, engine), _Writer(PURCHASE_DRUG, engine)
    now = datetime.now(UTC)
    source = iter(purchases)
    written = pending = 0
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            connection.commit()
        try:
            while chunk := list(islice(source, batch)):
                head_rows, line_rows = [], []
                for purchase in chunk:
                    values = purchase_values(purchase)
                    values["created_at"] = to_utc(purchase.created_at) if purchase.created_at else now
                    head_rows.append(heads.prepare(values))
                    line_rows.extend(lines.prepare(line) for line in drug_values(purchase))
                connection.exec_driver_sql(heads.sql, head_rows)
                if line_rows:
                    connection.exec_driver_sql(lines.sql, line_rows)
                pending += len(chunk)
                if pending >= rows_per_commit:
                    connection.commit()
                    written, pending = written + pending, 0
            connection.commit()
            written += pending
            if written:
                with connection.begin():
                    connection.exec_driver_sql("ANALYZE")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA cache_size = -2000")
                connection.commit()
    return written
