"""The daily report over a million screenings: how long "generate" takes when the desk is full.

Reuses the cached ``.bench/screenings-1m.sqlite3`` (``bench.bench_save.large_database`` builds it when
missing or when the schema revision changed).  "The daily report" is what pressing Generate costs on the
database worker: one reporting day's figures (screenings, purchases, results received), storing the
revision, and the 14 days of the chart.  Each sample uses another day of the two months in the file, so
no answer comes from SQLite's page cache of the previous sample more than a real day would.  The same
runs on an empty database in the same run as the baseline.  Revisions written here are deleted again.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from bench.bench_save import END, START, large_database
from bench.common import Figure, median, percentile
from db import Database, open_database
from db.report_repository import SqlReportRepository
from db.transactions import unit_of_work
from fever_desk.reporting import parse_cutoff
from ui.services import reports as ops
from ui.services.audit_hooks import install_repositories

SAMPLES = 40
STATION = "bench-report"


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000.0


def _days() -> list[date]:
    first = (START + timedelta(days=2)).date()
    span = (END - START).days - 4
    return [first + timedelta(days=(n * 7) % span) for n in range(SAMPLES)]


def _measure(database: Database, pdf_folder: Path) -> dict[str, list[float]]:
    # The desk's worker context as the report operations see it, audit trail included (a real Generate
    # writes an audit entry, so the bench pays for it too).
    ctx = SimpleNamespace(
        handle=database,
        reports=SqlReportRepository(database.session_factory),
        unit_of_work=lambda: unit_of_work(database.session_factory),
    )
    install_repositories(ctx)
    station = ops.ReportingStation(
        STATION, "基准测试预检分诊台", "基准测试卫生院", "bench", parse_cutoff("16:00")
    )
    days = _days()
    ops.load_report(ctx, station, days[0])  # warm the connection pool and the statement cache
    results: dict[str, list[float]] = {"figures": [], "generate": [], "regenerate": [], "report": []}
    for day in days:
        period = ops.reporting_day(day, station.cutoff)
        results["figures"].append(_timed(lambda p=period: ctx.reports.figures(p.start, p.end)))
    for day in days:
        # What the Generate button costs: count, store a revision, and read the chart's 14 days.
        results["report"].append(
            _timed(
                lambda d=day: (
                    ops.generate_report(ctx, station, d),
                    ctx.reports.history(ops.history_periods(d, station.cutoff)),
                )
            )
        )
    for day in days:
        results["regenerate"].append(_timed(lambda d=day: ops.generate_report(ctx, station, d)))
    for day in days[:5]:
        path = pdf_folder / f"report-{day:%Y%m%d}.pdf"
        results.setdefault("pdf", []).append(
            _timed(lambda d=day, p=path: ops.export_report(ctx, station, d, p))
        )
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM daily_report WHERE station_id = ?", (STATION,))
    return results


def run() -> list[Figure]:
    path, build_seconds = large_database()
    if build_seconds is not None:
        print(f"  (built the 1M-screening database in {build_seconds:.1f} s at {path})", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        big = open_database(f"sqlite:///{path}")
        try:
            loaded = _measure(big, Path(folder))
        finally:
            big.close()
        empty = open_database(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        try:
            base = _measure(empty, Path(folder))
        finally:
            empty.close()
    rows = (
        ("report", "daily report (generate + 14-day chart), 1M, p95", "p95 ≤ 100 ms"),
        ("figures", "one reporting day's figures, 1M rows, p95", "-"),
        ("regenerate", "regenerate unchanged (no new revision), 1M, p95", "-"),
    )
    figures = [
        Figure(label, percentile(loaded[key], 95), "ms", "empty db", percentile(base[key], 95), target)
        for key, label, target in rows
    ]
    figures.append(
        Figure(
            "daily report exported as PDF with chart, 1M, median",
            median(loaded["pdf"]),
            "ms",
            "empty db",
            median(base["pdf"]),
            "-",
        )
    )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
