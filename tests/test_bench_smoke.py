"""The benchmarks' measuring code runs against the real layers: `make bench` is not in CI, so this keeps
a change in the application from breaking the benchmarks unnoticed (their empty-database baselines)."""

from __future__ import annotations

from pathlib import Path

from db import open_database


def test_save_and_report_measurements_run_on_an_empty_database(tmp_path: Path) -> None:
    from bench import bench_lists, bench_report, bench_save
    from db.models import SCREENING
    from db.models_pharmacy import PURCHASE

    database = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        saves = bench_save._measure(database)
        reports = bench_report._measure(database, tmp_path / "pdf")
        lists = {table.name: bench_lists._measure(database, table, 1) for table in (SCREENING, PURCHASE)}
    finally:
        database.close()
    assert all(values for values in saves.values())
    assert all(len(values) == bench_lists.PROBES for per in lists.values() for values in per.values())
    assert reports["figures"] and reports["report"] and reports["regenerate"]
    assert all(v >= 0 for values in reports.values() for v in values)


def test_observation_measurements_run_on_an_empty_database(tmp_path: Path) -> None:
    from bench import bench_observation

    figures = bench_observation._measure(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path)
    assert len(figures["worklist"]) == bench_observation.WORKLISTS
    assert figures["import"][0] > 0 and figures["screening"]


def test_the_soak_types_a_short_day_through_the_real_desk(qapp, monkeypatch) -> None:
    """``make bench``'s soak, 12 patients and 4 purchasers long: every figure is measured, and the run
    itself checks that each confirmed save (and each slip) is in the database."""
    from bench import bench_soak

    monkeypatch.setenv(bench_soak.SAVES_ENV, "12")
    assert bench_soak.planned_saves() == (12, 4)
    figures = bench_soak.run()
    assert len(figures) == 16
    heaps = [f for f in figures if "SQLCipher's heap at the end" in f.name]
    assert len(heaps) == 2 and all(f.value > 0 for f in heaps)  # the encrypted file's caches are seen
    assert all(f.value == f.value and f.baseline_value is not None for f in figures)  # no NaN
    latencies = [f for f in figures if "Enter→saved median" in f.name]
    assert all(f.value > 0 for f in latencies)
    assert all(("PASS" in f.target or "FAIL" in f.target) for f in figures if not f.target.startswith("-"))
