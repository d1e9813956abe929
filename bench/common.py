"""Shared helpers for the benchmarks: percentiles, a figure row, and the cached large databases.

Targets are printed, never asserted: performance lives here, not in timed unit tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fever_desk.files import write_atomic

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"


def own_station() -> None:
    """The benchmark run's data folder and database key (``db.crypt_key``) stay with its files, never in
    the user's data folder or keyring.  Called by ``python -m bench`` (not on import: tests import these
    modules and keep their own folders)."""
    os.environ.setdefault("FEVER_DESK_DATA", str(BENCH_DIR / "station"))
    os.environ.setdefault("FEVER_DESK_KEY_STORE", "file")


@contextmanager
def own_station_while() -> Iterator[None]:
    """``own_station`` for one measurement inside another program (a test): the variables are put back
    afterwards, so the caller's later work does not find the bench's data folder and its key."""
    names = ("FEVER_DESK_DATA", "FEVER_DESK_KEY_STORE")
    before = {name: os.environ.get(name) for name in names}
    own_station()
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    """``.bench/<name>``, migrated to head and filled once by ``fill(engine)``.  A cache from an earlier
    schema is brought to head by the station's own migrations (as a clinic's file is, and timed); one
    that is not a known revision is rebuilt.  Returns the path and the seconds the build took (None
    when it came from the cache)."""
    from db import open_database
    from db.migrate import head_revision, known_revisions

    path = BENCH_DIR / name
    cached = _cached_revision(path) if path.exists() else None
    if cached == head_revision():
        return path, None
    if cached in known_revisions():
        started = time.perf_counter()
        database = open_database(f"sqlite:///{path}")
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        database.close()
        print(f"  (migrated {path} from {cached} in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        return path, None
    started = time.perf_counter()

    def build(building: Path) -> None:
        database = open_database(f"sqlite:///{building}")
        fill(database.engine)
        database.close()

    write_atomic(path, build, fsync=False, mode=0o666)  # a scratch copy: rebuilt if a crash loses it
    return path, time.perf_counter() - started


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
