"""How long the pharmacy counter waits for a search once the register holds a million purchases.

The large database is built once (migrations + bulk insert of synthetic purchases with their drug
lines) and cached at ``.bench/purchases-1m.sqlite3``; it is rebuilt when this build's schema revision
differs.  The same searches run against an empty, freshly migrated database in the same run as the
baseline.  Kinds measured (each what the counter really asks):

* full ID number, all time (person search, and the repeat check's ID half);
* full phone number, all time;
* name prefix (surname + first given character) in that person's day, at most 500 rows;
* the repeat-purchase check (ID or phone within 3 days).
"""

from __future__ import annotations

import random
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, cached_database, median, percentile, timed_ms
from db import Database, open_database
from db.pharmacy_bulk import bulk_insert_purchases
from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.demo_pharmacy import generate_purchases
from fever_desk.pharmacy import Purchase

ROWS = 1_000_000
QUERIES = 200
START = datetime(2020, 1, 20, tzinfo=UTC)
END = datetime(2020, 3, 20, tzinfo=UTC)
ALL_TIME = (datetime(1900, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
SYMPTOMS = ("fever_chills", "cough", "sore_throat", "fatigue")
EPI = ("travel_outbreak_area", "contact_confirmed", "contact_fever_from_area", "cluster")
TARGET = "p95 ≤ 5 ms"


def large_database() -> tuple[Path, float | None]:
    """The cached 1M-purchase file, and the seconds it took to build (None when it came from the cache)."""

    def fill(engine: Any) -> None:
        records = generate_purchases(
            ROWS, seed=1, start=START, end=END, station_id="bench", symptom_ids=SYMPTOMS, epi_ids=EPI
        )
        bulk_insert_purchases(engine, records)

    return cached_database("purchases-1m.sqlite3", fill)


def _probes(database: Database, n: int, seed: int) -> list[Purchase]:
    """``n`` purchases stored in the big register, chosen at random by rowid: every search is a hit."""
    with database.engine.connect() as connection:
        top = connection.exec_driver_sql("SELECT max(rowid) FROM purchase").scalar() or 0
        rng = random.Random(seed)
        rowids = rng.sample(range(1, top + 1), n)
        marks = ",".join("?" * n)
        ids = [
            row[0]
            for row in connection.exec_driver_sql(
                f"SELECT id FROM purchase WHERE rowid IN ({marks})", tuple(rowids)
            )
        ]
    repo = SqlPurchaseRepository(database.session_factory)
    found = [repo.get(uuid.UUID(bytes=raw) if isinstance(raw, bytes) else uuid.UUID(str(raw))) for raw in ids]
    return [p for p in found if p is not None]


def _measure(database: Database, probes: list[Purchase]) -> dict[str, list[float]]:
    repo = SqlPurchaseRepository(database.session_factory)

    def day_of(p: Purchase) -> tuple[datetime, datetime]:
        start = (p.created_at or START).replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)

    queries: dict[str, Callable[[Purchase], object]] = {
        "id": lambda p: repo.between(*ALL_TIME, search=p.purchaser.id_number, limit=200),
        "phone": lambda p: repo.between(*ALL_TIME, search=p.purchaser.phone, limit=200),
        "name": lambda p: repo.between(*day_of(p), search=p.purchaser.name[:2]),
        "repeat": lambda p: repo.recent_for(
            p.purchaser.id_number, p.purchaser.phone, (p.created_at or END) - timedelta(days=3)
        ),
    }
    results: dict[str, list[float]] = {}
    for kind, query in queries.items():
        query(probes[0])
        results[kind] = [timed_ms(lambda p=p, q=query: q(p)) for p in probes]
    return results


def run() -> list[Figure]:
    path, build_seconds = large_database()
    if build_seconds is not None:
        print(f"  (built {ROWS:,} purchases in {build_seconds:.1f} s at {path})", file=sys.stderr)
    big = open_database(f"sqlite:///{path}")
    try:
        probes = _probes(big, QUERIES, seed=11)
        loaded = _measure(big, probes)
    finally:
        big.close()
    with tempfile.TemporaryDirectory() as folder:
        empty = open_database(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        try:
            base = _measure(empty, probes)
        finally:
            empty.close()
    labels = {
        "id": "purchase search: full ID, all time, 1M",
        "phone": "purchase search: full phone, all time, 1M",
        "name": "purchase search: name prefix, 1 day, 1M",
        "repeat": "repeat check: ID or phone, 3 days, 1M",
    }
    figures: list[Figure] = []
    for kind, label in labels.items():
        figures.append(
            Figure(f"{label}, median", median(loaded[kind]), "ms", "empty db", median(base[kind]), "-")
        )
        figures.append(
            Figure(
                f"{label}, p95",
                percentile(loaded[kind], 95),
                "ms",
                "empty db",
                percentile(base[kind], 95),
                TARGET,
            )
        )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
