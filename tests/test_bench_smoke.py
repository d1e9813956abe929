"""The benchmarks' measuring code runs against the real layers: `make bench` is not in CI, so this keeps
a change in the application from breaking the benchmarks unnoticed (their empty-database baselines)."""

from __future__ import annotations

from pathlib import Path

from db import open_database


def test_save_and_report_measurements_run_on_an_empty_database(tmp_path: Path) -> None:
    from bench import bench_report, bench_save

    database = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        saves = bench_save._measure(database)
        reports = bench_report._measure(database, tmp_path / "pdf")
    finally:
        database.close()
    assert all(values for values in saves.values())
    assert reports["figures"] and reports["report"] and reports["regenerate"]
    assert all(v >= 0 for values in reports.values() for v in values)
