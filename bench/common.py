"""Shared helpers for the benchmarks: percentiles, a figure row, and the cached large databases.

Targets are printed, never asserted: performance lives here, not in timed unit tests.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"


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
