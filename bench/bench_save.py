"""How long a nurse waits for "saved" once the station holds a million screenings.

The large database is built once (migrations + bulk insert of synthetic records) and cached at
``.bench/screenings-1m.sqlite3``; it is rebuilt when this build's schema revision differs.  The same
saves and queries run against an empty, freshly migrated database in the same run, so the baseline
shares the machine and its mood.  Rows saved by the benchmark are deleted afterwards so the cache
stays at exactly one million.  Both are plain SQLite files (the figures before encryption);
``bench_crypt`` measures the same saves and queries on an encrypted copy beside them.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, cached_database, median, percentile, plain_sqlite, timed_ms
from db import Database, open_database
from db.bulk import bulk_insert_screenings
from db.repositories import SqlScreeningRepository
from fever_desk.demo import generate_screenings
from fever_desk.model import Answers, Disposition, Outcome, Reason, Screening

ROWS = 1_000_000
SAVES = 300
WARMUP = 20
QUERIES = 50
START = datetime(2020, 1, 20, tzinfo=UTC)
END = datetime(2020, 3, 20, tzinfo=UTC)
SYMPTOMS = ("cough", "sore_throat", "fatigue", "myalgia", "diarrhea", "dyspnea")
EPI = ("travel_outbreak_area", "contact_confirmed", "contact_fever_from_area", "cluster")
BENCH_STATION = "bench-save"
_FEVER = Reason("fever", {"zh_CN": "发热", "en": "Fever"})


def stand_in_outcome(answers: Answers) -> Outcome:
    """Fever → fever clinic, else routine; the real triage is swapped in by the lead."""
    fever = (answers.temperature_c or 0.0) >= 37.3
    if fever:
        return Outcome(Disposition.FEVER_CLINIC, (_FEVER,), "bench", True)
    return Outcome(Disposition.ROUTINE, (), "bench", False)


def _records(n: int, seed: int, start: datetime, end: datetime, station: str = "bench") -> list[Screening]:
    return list(
        generate_screenings(
            n,
            seed=seed,
            start=start,
            end=end,
            station_id=station,
            symptom_ids=SYMPTOMS,
            epi_ids=EPI,
            outcome_for=stand_in_outcome,
        )
    )


def large_database() -> tuple[Path, float | None]:
    """The cached 1M-row file, and the seconds it took to build (None when it came from the cache)."""

    def fill(engine: Any) -> None:
        records = generate_screenings(
            ROWS,
            seed=1,
            start=START,
            end=END,
            station_id="bench",
            symptom_ids=SYMPTOMS,
            epi_ids=EPI,
            outcome_for=stand_in_outcome,
        )
        bulk_insert_screenings(engine, records)

    return cached_database("screenings-1m.sqlite3", fill)


def _measure(database: Database) -> dict[str, list[float]]:
    repo = SqlScreeningRepository(database.session_factory)
    saves = [
        replace(s, created_at=None, updated_at=None)
        for s in _records(WARMUP + SAVES, 7, END, END + timedelta(1))
    ]
    for screening in saves[:WARMUP]:
        repo.add(replace(screening, station_id=BENCH_STATION))
    save_ms = [timed_ms(lambda s=s: repo.add(replace(s, station_id=BENCH_STATION))) for s in saves[WARMUP:]]
    day = START + timedelta(days=30)
    window = (day, day + timedelta(days=1))
    probe = _records(QUERIES, 11, START, END)
    # The day list and a surname in a day: bench_lists.py, beside the queries as they were before.
    queries: dict[str, Callable[[Screening], object]] = {
        "counts": lambda _s: repo.counts(*window),
        "phone": lambda s: repo.between(*window, search=s.person.phone[-4:] or "5678"),
        "id": lambda s: repo.between(START, END, search=s.person.id_number or "4301"),
    }
    results = {"save": save_ms}
    for key, query in queries.items():
        query(probe[0])
        results[key] = [timed_ms(lambda s=s, q=query: q(s)) for s in probe]
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM screening WHERE station_id = ?", (BENCH_STATION,))
    return results


def run() -> list[Figure]:
    with plain_sqlite():  # plain SQLite, as before encryption: bench_crypt sets the encrypted beside it
        return _run()


def _run() -> list[Figure]:
    path, build_seconds = large_database()
    if build_seconds is not None:
        print(f"  (built {ROWS:,} screenings in {build_seconds:.1f} s at {path})", file=sys.stderr)
    big = open_database(f"sqlite:///{path}")
    try:
        loaded = _measure(big)
    finally:
        big.close()
    with tempfile.TemporaryDirectory() as folder:
        empty = open_database(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        try:
            base = _measure(empty)
        finally:
            empty.close()
    save, save0 = loaded["save"], base["save"]
    figures = [
        Figure(
            "save one screening, 1M rows, median", median(save), "ms", "empty db median", median(save0), "-"
        ),
        Figure(
            "save one screening, 1M rows, p95",
            percentile(save, 95),
            "ms",
            "empty db p95",
            percentile(save0, 95),
            "p95 ≤ 10 ms",
        ),
    ]
    labels = {
        "counts": "one day's counts, 1M rows",
        "phone": "search phone last 4 in a day, 1M rows",
        "id": "search full ID in 60 days, 1M rows",
    }
    for key, label in labels.items():
        figures.append(
            Figure(
                f"{label}, p95", percentile(loaded[key], 95), "ms", "empty db", percentile(base[key], 95), "-"
            )
        )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
