"""What encryption costs the nurse: save p95 and the day list p95 at a million rows, encrypted beside plain.

The plain figures come from ``bench_save``'s cached database (``.bench/screenings-1m.sqlite3``); the
encrypted one is a copy of it encrypted the way a station's first start encrypts an existing database
(``db.cipher.encrypt_in_place``), cached at ``.bench/screenings-1m-encrypted.sqlite3``.  The same saves and
queries (``bench_save._measure``, whatever list query the build has) run on both in the same run.
Target: encrypted ≤ 1.5× plain.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from bench.bench_save import _measure, large_database
from bench.common import BENCH_DIR, Figure, _cached_revision, median, percentile, plain_sqlite

ENCRYPTED = "screenings-1m-encrypted.sqlite3"
ROUNDS = 2


def encrypted_large_database(plain: Path) -> tuple[Path, float | None]:
    """The encrypted copy of the plain 1M file, and the seconds its encryption took (None if cached)."""
    from db.cipher import encrypt_in_place
    from db.migrate import head_revision

    path = BENCH_DIR / ENCRYPTED
    if path.exists() and _cached_revision(path) == head_revision():
        return path, None
    building = path.with_suffix(".building")
    for stale in building.parent.glob(building.name + "*"):
        stale.unlink()
    shutil.copyfile(plain, building)
    started = time.perf_counter()
    assert encrypt_in_place(building), "the copy could not be encrypted"
    elapsed = time.perf_counter() - started
    os.replace(building, path)
    return path, elapsed


def _measure_file(path: Path, *, plain: bool) -> dict[str, list[float]]:
    from db import open_database

    if plain:
        with plain_sqlite():
            return _measure_file(path, plain=False)
    database = open_database(f"sqlite:///{path}")
    try:
        return _measure(database)
    finally:
        database.close()


def run() -> list[Figure]:
    with plain_sqlite():
        plain_path, _ = large_database()
    path, seconds = encrypted_large_database(plain_path)
    if seconds is not None:
        print(f"  (encrypted a copy of the 1M-row database in {seconds:.1f} s)", file=sys.stderr)
    # Alternating rounds, the last one reported: the first warms the page cache for both files alike.
    for _round in range(ROUNDS):
        plain = _measure_file(plain_path, plain=True)
        encrypted = _measure_file(path, plain=False)
    figures = []
    for key, label in (("save", "save one screening"), ("list", "one day's list (≤500 rows)")):
        name = f"{label}, 1M rows, encrypted, median"
        figures.append(Figure(name, median(encrypted[key]), "ms", "plain", median(plain[key]), "-"))
        value, base = percentile(encrypted[key], 95), percentile(plain[key], 95)
        figures.append(
            Figure(f"{label}, 1M rows, encrypted, p95", value, "ms", "plain", base, "≤ 1.5× plain")
        )
        figures.append(Figure(f"  encrypted / plain, {key} p95", value / base, "×", "plain", 1.0, "≤ 1.5"))
    if seconds is not None:
        figures.append(Figure("encrypt a plain 1M-row database (first start)", seconds, "s", "-", None, "-"))
    return figures


if __name__ == "__main__":
    from bench.common import own_station

    own_station()
    for figure in run():
        print(figure.row())
