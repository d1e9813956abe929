"""Several counters saving at once: eight processes, each with its own engine, a thousand screenings each.

Every save must arrive exactly once and the day's counts must add up, on the clinic's PostgreSQL server
and on one SQLite file shared by processes (WAL and ``busy_timeout`` make the writers queue).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import SCREENING
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from tests.db.factories import make_screening

PROCESSES = 8
PER_PROCESS = 1000
DISPOSITIONS = (Disposition.ROUTINE, Disposition.ROUTINE, Disposition.FEVER_CLINIC, Disposition.SUSPECTED)


def _expected_counts(n: int) -> tuple[int, int, int, int]:
    dispositions = [DISPOSITIONS[i % len(DISPOSITIONS)] for i in range(n)]
    fever = sum(1 for d in dispositions if d is not Disposition.ROUTINE)
    clinic = sum(1 for d in dispositions if d is Disposition.FEVER_CLINIC)
    suspected = sum(1 for d in dispositions if d is Disposition.SUSPECTED)
    return n, fever, clinic, suspected


def counter(url: str, station: int, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    """One counter: its own engine, ``count`` saves one transaction each, as fast as it can."""
    from sqlalchemy.orm import sessionmaker

    from db.engine import make_engine

    engine = make_engine(url)
    repo = SqlScreeningRepository(sessionmaker(engine, expire_on_commit=False))
    barrier.wait(timeout=60)
    for i in range(count):
        disposition = DISPOSITIONS[i % len(DISPOSITIONS)]
        celsius = 36.6 if disposition is Disposition.ROUTINE else 38.4
        screening = make_screening(f"柜台{station}病人{i}", celsius=celsius, disposition=disposition)
        repo.add(replace(screening, station_id=f"desk-{station}"))
    engine.dispose()


@pytest.mark.slow
def test_eight_counters_saving_at_once_lose_and_duplicate_nothing(database, database_url, engine_name):
    context = multiprocessing.get_context("spawn")  # each counter a fresh interpreter, like a real PC
    barrier = context.Barrier(PROCESSES)
    before = datetime.now(UTC) - timedelta(seconds=1)
    began = time.perf_counter()
    processes = [
        context.Process(target=counter, args=(database_url, n, PER_PROCESS, barrier))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    elapsed = time.perf_counter() - began
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    total = PROCESSES * PER_PROCESS
    with database.engine.connect() as connection:
        rows = connection.execute(select(func.count(), func.count(SCREENING.c.id.distinct()))).one()
        per_station = dict(
            connection.execute(
                select(SCREENING.c.station_id, func.count()).group_by(SCREENING.c.station_id)
            ).all()
        )
    assert tuple(rows) == (total, total)
    assert per_station == {f"desk-{n}": PER_PROCESS for n in range(PROCESSES)}
    counts = SqlScreeningRepository(database.session_factory).counts(
        before, datetime.now(UTC) + timedelta(seconds=1)
    )
    expected = _expected_counts(PER_PROCESS)
    assert (counts.screened, counts.fever, counts.fever_clinic, counts.suspected) == tuple(
        PROCESSES * value for value in expected
    )
    print(f"\n{engine_name}: {total} saves from {PROCESSES} processes in {elapsed:.1f} s")
