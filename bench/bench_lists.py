"""The day list and search-as-you-type at a million records, on SQLite and on PostgreSQL.

What a nurse waits for when the list reloads (after each save, a pause in typing, another counter's
save) and when she types a surname into the search box, once the station (or the clinic's server)
holds a million screenings and a million purchases.  Each probe is one day of the data (about 16,700
rows; the list shows the newest 500) and the surname of someone seen that day.

Each probe day is read once, untimed, before it is measured: a desk that has been saving all day has
today's pages in memory, and a historical day read from disk would time the disk, not the query.
Three figures per kind, from the same run and the same probes, interleaved so that they share the
machine's mood:

* **before**: the query as it was before the list was rebuilt (the whole row, and for a surname the
  ``(name_key, created_at)`` range over every row of that surname ever saved, then sorted);
* **first read**: what the desk reads for its list today, ``day_lines`` (``db/day_lines.py``: only the
  shown columns, numbers masked, no record built) from a repository that has read nothing yet (a desk
  just started; the list keeps no cache of its own, so this is also what every reload costs);
* **reload**: the same list read again by the same repository, as the desk does all day.

SQLite files are the cached ``.bench/screenings-1m.sqlite3`` and ``purchases-1m.sqlite3`` of
``bench_save`` and ``bench_pharmacy``.  PostgreSQL runs in a private cluster kept in ``.bench/pg-1m/``
(``tests/pg.py``, with 256MB of shared buffers), filled once with the same generated records and
brought to the current schema by the station's migrations on later runs; it is started for the run and
stopped afterwards.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench import bench_pharmacy, bench_save
from bench.common import BENCH_DIR, Figure, percentile, timed_ms
from db import Database, open_database
from db.mapping import screening_from_row
from db.models import SCREENING
from db.models_pharmacy import PURCHASE
from db.pharmacy_repository import SqlPurchaseRepository
from db.repositories import SqlScreeningRepository
from db.search import NotIndexed, prefix

PROBES = 60
TARGET = "p95 ≤ 10 ms"
PG_ROOT = BENCH_DIR / "pg-1m"
PG_DATABASE = "bench1m"
PG_READY = PG_ROOT / "filled"


def _before(table: Any, database: Database, window: tuple[datetime, datetime], surname: str) -> int:
    """The list query as it was before this rebuild, whole rows turned into records (the same SQL)."""
    from sqlalchemy import select

    created = table.c.created_at
    query = select(table)
    if surname:
        query = query.where(prefix(table.c.name_key, surname), NotIndexed(created) >= window[0])
        query = query.where(NotIndexed(created) < window[1])
    else:
        query = query.where(created >= window[0], created < window[1])
    query = query.order_by(created.desc()).limit(500)
    with database.session_factory() as session, session.begin():
        if table is SCREENING:
            return len([screening_from_row(row) for row in session.execute(query).mappings()])
        return len(SqlPurchaseRepository._load(session, query))


def _probes(start: datetime, days: int, seed: int) -> list[tuple[tuple[datetime, datetime], str]]:
    """(a whole UTC day, the surname of someone screened that day) for ``PROBES`` random days."""
    records = bench_save._records(PROBES, seed, start, start + timedelta(days=days))
    chosen = []
    for record in records:
        assert record.created_at is not None
        day = record.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
        chosen.append(((day, day + timedelta(days=1)), record.person.name[:1]))
    return chosen


def _measure(database: Database, table: Any, seed: int) -> dict[str, list[float]]:
    repo_class: Callable[[Any], Any] = SqlScreeningRepository if table is SCREENING else SqlPurchaseRepository
    out: dict[str, list[float]] = {}
    for kind in ("list", "surname"):
        for when in ("before", "first", "reload"):
            out[f"{kind} {when}"] = []
    probes = _probes(bench_save.START, (bench_save.END - bench_save.START).days, seed)
    _before(table, database, *probes[0])  # warm the connection pool and the statement caches
    for window, surname in probes:
        for kind, search in (("list", ""), ("surname", surname)):
            _before(table, database, window, search)  # that day's pages in memory, as today's are
            out[f"{kind} before"].append(timed_ms(lambda w=window, s=search: _before(table, database, w, s)))
            repo = repo_class(database.session_factory)
            read = repo.day_lines
            out[f"{kind} first"].append(timed_ms(lambda r=read, w=window, s=search: r(*w, search=s)))
            out[f"{kind} reload"].append(timed_ms(lambda r=read, w=window, s=search: r(*w, search=s)))
    return out


def _figures(engine: str, register: str, results: dict[str, list[float]]) -> list[Figure]:
    """p95 (the target) and the median (steadier on a busy machine) of each, beside the same of before."""
    labels = {"list": f"{register} day list", "surname": f"{register} surname/day"}
    figures = []
    for kind, label in labels.items():
        for when, name in (("reload", "reload"), ("first", "first read")):
            for stat, pct, target in (("p95", 95, TARGET), ("median", 50, "-")):
                value = percentile(results[f"{kind} {when}"], pct)
                before = percentile(results[f"{kind} before"], pct)
                title = f"1M {engine} {label}, {name}, {stat}"
                figures.append(Figure(title, value, "ms", "before, same run", before, target))
    return figures


def _sqlite() -> list[Figure]:
    figures = []
    for register, table, cached, seed in (
        ("desk", SCREENING, bench_save.large_database, 21),
        ("pharmacy", PURCHASE, bench_pharmacy.large_database, 22),
    ):
        path, build_seconds = cached()
        if build_seconds is not None:
            print(f"  (built {path} in {build_seconds:.1f} s)", file=sys.stderr)
        database = open_database(f"sqlite:///{path}")
        try:
            figures += _figures("SQLite", register, _measure(database, table, seed))
        finally:
            database.close()
    return figures


def _fill_pg(cluster: Any) -> float:
    """Create and fill the cluster's benchmark database once; returns the seconds it took."""
    from db.bulk import bulk_insert_screenings
    from db.pharmacy_bulk import bulk_insert_purchases
    from fever_desk.demo import generate_screenings
    from fever_desk.demo_pharmacy import generate_purchases

    started = time.perf_counter()
    cluster._admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}")
    database = open_database(cluster.url(PG_DATABASE, timeout=10))
    try:
        screening_args = {"symptom_ids": bench_save.SYMPTOMS, "epi_ids": bench_save.EPI}
        bulk_insert_screenings(
            database.engine,
            generate_screenings(
                bench_save.ROWS, seed=1, start=bench_save.START, end=bench_save.END, station_id="bench",
                outcome_for=bench_save.stand_in_outcome, **screening_args,
            ),
        )  # fmt: skip
        bulk_insert_purchases(
            database.engine,
            generate_purchases(
                bench_pharmacy.ROWS, seed=1, start=bench_pharmacy.START, end=bench_pharmacy.END,
                station_id="bench", symptom_ids=bench_pharmacy.SYMPTOMS, epi_ids=bench_pharmacy.EPI,
            ),
        )  # fmt: skip
    finally:
        database.close()
    PG_READY.write_text(f"{bench_save.ROWS} screenings, {bench_pharmacy.ROWS} purchases\n", encoding="utf-8")
    return time.perf_counter() - started


def _postgresql() -> list[Figure]:
    from tests.pg import PgCluster, PgUnavailable

    if not PG_READY.exists():
        shutil.rmtree(PG_ROOT, ignore_errors=True)  # a build cut short: start again
    try:
        cluster = PgCluster(kept=PG_ROOT)
    except PgUnavailable as exc:
        print(f"  (PostgreSQL skipped: {exc})", file=sys.stderr)
        return []
    # A small server's buffers (PostgreSQL's default is 128MB), not the test clusters' 32MB.
    cluster.options = (*(o for o in cluster.options if "shared_buffers" not in o), "-c shared_buffers=256MB")
    cluster.stop()  # left running by a run that was killed
    cluster.start()
    try:
        if not PG_READY.exists():
            print(f"  (filled PostgreSQL in {_fill_pg(cluster):.1f} s at {PG_ROOT})", file=sys.stderr)
        started = time.perf_counter()
        database = open_database(cluster.url(PG_DATABASE, timeout=10))  # migrates an older cache
        print(f"  (PostgreSQL opened and migrated in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        try:
            figures = _figures("PG", "desk", _measure(database, SCREENING, 21))
            figures += _figures("PG", "pharmacy", _measure(database, PURCHASE, 22))
        finally:
            database.close()
    finally:
        cluster.stop()
    return figures


def run() -> list[Figure]:
    return _sqlite() + _postgresql()


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
