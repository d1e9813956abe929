"""Load many screenings fast: demo data, benchmarks, and imports.

The repository saves one screening per transaction, which is right for the counter and far too slow
for a million rows.  Here rows go through the same mapping as the repository, then through each
column type's own bind processor (so values are stored exactly as the ORM would store them), and are
written with one driver-level ``executemany`` per batch.  A transaction spans ``rows_per_commit`` rows
(ten batches by default): each commit rewrites every index page it touched, and random UUID and name
keys touch most of them, so committing every 10,000 rows wrote ~20 GB to build a 0.9 GB file.  A
failure part-way loses at most the rows since the last commit; memory stays flat however many rows
come in.

Preparing rows (including generating them, when the input is a generator) runs on a helper thread
while the database writes the previous batch; SQLite releases the GIL while it steps, so the two
overlap.  On SQLite the page cache is enlarged for the load (random UUID keys touch index pages all
over the file) and ``ANALYZE`` runs at the end so the planner knows the new shape of the data.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Engine, Table, insert

from db.mapping import row_values
from db.models import SCREENING, to_utc
from fever_desk.model import Screening

BULK_CACHE_KIB = 256 * 1024
_DONE = object()


def _rows(screenings: Iterable[Screening], now: datetime) -> Iterator[dict[str, Any]]:
    for screening in screenings:
        values = row_values(screening)
        created = to_utc(screening.created_at) if screening.created_at else now
        values["created_at"] = created
        values["updated_at"] = to_utc(screening.updated_at) if screening.updated_at else created
        yield values


def _producer(
    batches: Iterator[list[Any]], out: queue.Queue[Any], stop: threading.Event
) -> Callable[[], None]:
    def run() -> None:
        try:
            for chunk in batches:
                if stop.is_set():
                    return
                out.put(chunk)
            out.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the writing thread, which re-raises it
            out.put(exc)

    return run


class RowWriter:
    """The compiled INSERT for one table and a function turning a values dict into driver parameters.

    Each column's own bind processor converts the value, so a row is stored exactly as the repository
    would store it.
    """

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


class BulkLoad:
    """One connection for a load: a large SQLite page cache, a commit every ``rows_per_commit`` rows,
    ANALYZE at the end; the cache is set back (and anything uncommitted dropped) however it ends."""

    def __init__(self, engine: Engine, rows_per_commit: int) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._rows_per_commit = rows_per_commit
        self.written = self._pending = 0

    def __enter__(self) -> BulkLoad:
        self.connection = self._engine.connect()
        if self._sqlite:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            self.connection.commit()
        return self

    def wrote(self, rows: int) -> None:
        self._pending += rows
        if self._pending >= self._rows_per_commit:
            self.connection.commit()
            self.written, self._pending = self.written + self._pending, 0

    def finish(self) -> int:
        """Commit the rest and refresh the planner's statistics; returns how many rows were written."""
        self.connection.commit()
        self.written, self._pending = self.written + self._pending, 0
        if self.written:
            with self.connection.begin():
                self.connection.exec_driver_sql("ANALYZE")
        return self.written

    def __exit__(self, *exc: object) -> None:
        try:
            if self._sqlite:
                self.connection.rollback()
                self.connection.exec_driver_sql("PRAGMA cache_size = -2000")
                self.connection.commit()
        finally:
            self.connection.close()


def bulk_insert_screenings(
    engine: Engine,
    screenings: Iterable[Screening],
    batch: int = 10_000,
    *,
    rows_per_commit: int = 100_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``screenings`` as they are (no revisions) and return how many were written.

    Timestamps left empty are set to the time of the load.  A duplicate id fails the transaction that
    holds it; rows committed before stay written.  ``progress`` is told each batch's row count once
    the database has taken it (the command line's progress bar).
    """
    writer = RowWriter(SCREENING, engine)
    rows = (writer.prepare(values) for values in _rows(screenings, datetime.now(UTC)))
    batches = iter(lambda: list(islice(rows, batch)), [])
    ready: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()
    worker = threading.Thread(target=_producer(batches, ready, stop), name="bulk-prepare", daemon=True)
    with BulkLoad(engine, rows_per_commit) as load:
        worker.start()
        try:
            while (chunk := ready.get()) is not _DONE:
                if isinstance(chunk, BaseException):
                    raise chunk
                load.connection.exec_driver_sql(writer.sql, chunk)  # begins a transaction if none is open
                load.wrote(len(chunk))
                if progress is not None:
                    progress(len(chunk))
            return load.finish()
        finally:
            stop.set()
            while worker.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    ready.get(timeout=0.05)
