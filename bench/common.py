"""Shared helpers for the benchmarks: percentiles, a figure row, and the cached large databases.

Targets are printed, never asserted: performance lives here, not in timed unit tests.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"


def own_station() -> None:
    """The benchmark run's data folder and database key (``db.crypt_key``) stay with its files, never in
    the user's data folder or keyring.  Called by ``python -m bench`` (not on import: tests import these
    modules and keep their own folders)."""
    os.environ.setdefault("FEVER_DESK_DATA", str(BENCH_DIR / "station"))
    os.environ.setdefault("FEVER_DESK_KEY_STORE", "file")


@contextmanager
def plain_sqlite() -> Iterator[None]:
    """New and existing plain SQLite files stay plain inside (``FEVER_DESK_PLAIN_SQLITE``): the baseline."""
    from db.cipher import ENV_PLAIN

    before = os.environ.get(ENV_PLAIN)
    os.environ[ENV_PLAIN] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[ENV_PLAIN]
        else:
            os.environ[ENV_PLAIN] = before


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline_value: float | None
    target: str

    def row(self) -> str:
        base = "-" if self.baseline_value is None else f"{self.baseline_value:.2f} {self.unit}"
        return (
            f"{self.name:<48} {self.value:>10.2f} {self.unit:<3} | "
            f"baseline {self.baseline_name}: {base:<14} | target {self.target}"
        )


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def cached_database(name: str, fill: Callable[[Any], object]) -> tuple[Path, float | None]:
    """``.bench/<name>``, migrated to head and filled once by ``fill(engine)``; rebuilt when the schema
    moved on.  Returns the path and the seconds the build took (None when it came from the cache)."""
    from db import open_database
    from db.migrate import head_revision

    path = BENCH_DIR / name
    if path.exists() and _cached_revision(path) == head_revision():
        return path, None
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for stale in (building, *(Path(f"{building}{s}") for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    database = open_database(f"sqlite:///{building}")
    fill(database.engine)
    database.close()
    elapsed = time.perf_counter() - started
    os.replace(building, path)
    return path, elapsed


def _cached_revision(path: Path) -> str | None:
    from db.cipher import DRIVER_ERRORS, connect, key_for
    from db.migrate import DatabaseProblem

    try:
        connection = connect(path, key_for(path, create=False), read_only=True)
        try:
            return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except (*DRIVER_ERRORS, DatabaseProblem, TypeError):
        return None


def timed_ms(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000.0
