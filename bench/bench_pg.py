"""Save latency on the clinic's shared PostgreSQL server, beside the counter's own SQLite file.

A private cluster is started for the run (``tests/pg.py``: initdb/pg_ctl as the ``postgres`` user, a
random port on 127.0.0.1) with fsync *on*, so a save is timed the way a real server commits it, then
stopped and removed.  The SQLite figure comes from the same run and machine (synchronous=FULL).  The
network of a real clinic adds its round trips (a LAN: well under a millisecond each; a save is about
four: pre-ping, BEGIN, INSERT, COMMIT).  Also timed: the change-token probe the lists poll every few
seconds, on a day of 2,000 screenings.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bench_save import _records
from bench.common import Figure, median, percentile
from db import open_database
from db.bulk import bulk_insert_screenings
from db.repositories import SqlScreeningRepository

SAVES = 300
WARMUP = 30
DAY = datetime(2020, 2, 3, tzinfo=UTC)
DAY_ROWS = 2000
PROBES = 200


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000.0


def _measure(url: str) -> dict[str, list[float]]:
    database = open_database(url)
    try:
        repo = SqlScreeningRepository(database.session_factory)
        bulk_insert_screenings(database.engine, _records(DAY_ROWS, 3, DAY, DAY + timedelta(days=1)))
        saves = [
            replace(s, created_at=None, updated_at=None)
            for s in _records(WARMUP + SAVES, 7, DAY, DAY + timedelta(1))
        ]
        for screening in saves[:WARMUP]:
            repo.add(screening)
        save_ms = [_timed(lambda s=s: repo.add(s)) for s in saves[WARMUP:]]
        window = (DAY, DAY + timedelta(days=1))
        token_ms = [_timed(lambda: repo.change_token(*window)) for _ in range(PROBES)]
        list_ms = [_timed(lambda: repo.between(*window)) for _ in range(20)]
        return {"save": save_ms, "token": token_ms, "list": list_ms}
    finally:
        database.close()


def run() -> list[Figure]:
    from tests.pg import start_cluster

    cluster = start_cluster(durable=True)
    try:
        pg = _measure(cluster.fresh_database("bench"))
    finally:
        cluster.destroy()
    with tempfile.TemporaryDirectory() as folder:
        lite = _measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    return [
        Figure("PostgreSQL: save one screening, median", median(pg["save"]), "ms", "SQLite median",
               median(lite["save"]), "-"),
        Figure("PostgreSQL: save one screening, p95", percentile(pg["save"], 95), "ms", "SQLite p95",
               percentile(lite["save"], 95), "p95 ≤ 10 ms"),
        Figure("PostgreSQL: change-token probe (2k-row day), p95", percentile(pg["token"], 95), "ms",
               "SQLite p95", percentile(lite["token"], 95), "≤ 5 ms"),
        Figure("PostgreSQL: day list (500 of 2k rows), p95", percentile(pg["list"], 95), "ms",
               "SQLite p95", percentile(lite["list"], 95), "-"),
    ]  # fmt: skip


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
