"""Replay throughput of the offline outbox after a 10,000-record outage, beside the online save rate.

A private cluster (``tests/pg.py``, fsync on, as a clinic server commits) and one counter as the desk's
database worker holds it (``ui.services.database.Database``).  First the baseline: screenings saved one by
one through the desk's operation (``ui.services.screening.save_screening``: the record and its audit entry,
one server transaction each).  Then the server is stopped, 10,000 screenings are saved through the same
operation (each goes to the outbox with its audit entry; that rate is printed too), the server is started
again, and the store replays until the outbox is empty (batches of ``REPLAY_CHUNK`` records and entries per
server transaction).  Records per second, higher is better.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bench_save import _records
from bench.common import Figure

OUTAGE = 10_000
ONLINE = 500
SHORT = 200  # a short outage at a busy entrance, drained by the desk's own replay schedule
REPLAY_EVERY_S = 5.0  # the desk's (ui.desk.widgets.server_status.REPLAY_SECONDS)
DAY = datetime(2020, 2, 3, tzinfo=UTC)


def _screenings(count: int, seed: int) -> list:
    """New screenings (no save time yet: the operation stamps it), as the bench's save tests make them."""
    return [
        replace(s, created_at=None, updated_at=None) for s in _records(count, seed, DAY, DAY + timedelta(1))
    ]


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


def _measure(cluster, outage: int = OUTAGE, online: int = ONLINE) -> dict[str, float]:
    from sqlalchemy import func, select

    from db.models import SCREENING
    from ui.services.audit_hooks import set_actor
    from ui.services.database import Database
    from ui.services.screening import save_screening

    url = cluster.fresh_database("outbox")
    ctx = Database(url)
    set_actor(ctx, "nurse.bench", "desk-1")
    try:
        for screening in _screenings(30, 11):  # warm-up: connections, statement caches
            save_screening(ctx, screening)
        began = time.perf_counter()
        for screening in _screenings(online, 12):
            save_screening(ctx, screening)
        online_s = time.perf_counter() - began

        cluster.stop("fast")
        began = time.perf_counter()
        for screening in _screenings(outage, 13):
            assert save_screening(ctx, screening).queued
        queued_s = time.perf_counter() - began
        cluster.start()

        began = time.perf_counter()
        while ctx.store.replay().pending:
            pass
        replay_s = time.perf_counter() - began

        # The figure tests/ui/test_outage_faults.py prints: with the desk's replay thread running, how
        # long after the server's return the outbox of a short outage is empty.
        ctx.store.start_replaying(REPLAY_EVERY_S)
        cluster.stop("fast")
        for screening in _screenings(SHORT, 14):
            assert save_screening(ctx, screening).queued
        cluster.start()
        back = time.perf_counter()
        while ctx.store.status().pending:
            time.sleep(0.02)
        drained_s = time.perf_counter() - back
        with ctx.handle.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(SCREENING)).scalar_one()
        assert stored == 30 + online + outage + SHORT, stored
        assert ctx.audit.verify() is None
    finally:
        ctx.close()
    return {
        "online": _rate(online, online_s),
        "queued": _rate(outage, queued_s),
        "replay": _rate(outage, replay_s),
        "drained": drained_s,
        "short online": SHORT * online_s / online,
    }


def run() -> list[Figure]:
    from tests.pg import start_cluster

    cluster = start_cluster(durable=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            before = os.environ.get("FEVER_DESK_DATA")
            os.environ["FEVER_DESK_DATA"] = str(Path(folder))  # the bench's own outbox file
            try:
                found = _measure(cluster)
            finally:
                if before is None:
                    os.environ.pop("FEVER_DESK_DATA", None)
                else:
                    os.environ["FEVER_DESK_DATA"] = before
    finally:
        cluster.destroy()
    return [
        Figure(f"Outbox replay after a {OUTAGE:,}-record outage", found["replay"], "/s",
               "online saves", found["online"], "≥ online rate"),
        Figure("Saves while the server is down (to the outbox)", found["queued"], "/s",
               "online saves", found["online"], "-"),
        Figure(f"Outbox of {SHORT} empty after the server's return", found["drained"], "s",
               f"{SHORT} saves online", found["short online"], "≤ 10 s"),
    ]  # fmt: skip


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
