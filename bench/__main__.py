"""Run every benchmark and print one table. Each module exposes ``run() -> list[Figure]``."""

from __future__ import annotations

import importlib
import sys
import time

MODULES = [
    "bench.bench_start",
    "bench.bench_save",
    "bench.bench_lists",
    "bench.bench_crypt",
    "bench.bench_device",
    "bench.bench_device_gui",
    "bench.bench_idcard",
    "bench.bench_slip",
    "bench.bench_pharmacy",
    "bench.bench_observation",
    "bench.bench_report",
    "bench.bench_pg",
    "bench.bench_outbox",
    "bench.bench_bundle",
    "bench.bench_soak",
]


def main() -> int:
    from bench.common import own_station

    own_station()
    print("fever_desk benchmarks (value | baseline from this same run | target)")
    print("-" * 110)
    failed = 0
    for name in MODULES:
        started = time.perf_counter()
        try:
            figures = importlib.import_module(name).run()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            failed += 1
            print(f"{name}: FAILED: {exc!r}")
            continue
        for fig in figures:
            print(fig.row())
        print(f"  ({name} took {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
