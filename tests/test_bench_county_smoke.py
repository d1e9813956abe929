"""``bench/bench_county.py`` at toy size on the session's cluster: every measurement runs and the status
it times is the real one (each of the points appears); the sizes, not the code, differ from `make bench`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server


def test_the_county_bench_measures_on_a_toy_county(pg_cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from bench import bench_county

    for name, value in (("POINTS", 30), ("DAYS", 20), ("PER_DAY", 3), ("STATUS_RUNS", 3), ("INGEST_DAYS", 1),
                        ("SINGLE_INSERTS", 5)):  # fmt: skip
        monkeypatch.setattr(bench_county, name, value)
    measured = bench_county.measure(pg_cluster, pharmacies=4)
    assert measured["register"] == 4 * 3 * bench_county.REGISTER_DAYS
    assert 0.9 * 30 * 20 <= measured["reports"] <= 1.1 * 30 * 20
    assert len(measured["status_full"]) == 3 and all(ms > 0 for ms in measured["status_full"])
    assert measured["ingest"] > 0 and measured["deliver"] > 0 and measured["single"] > 0
    assert bench_county.full_run(["--full"]) and not bench_county.full_run([])
