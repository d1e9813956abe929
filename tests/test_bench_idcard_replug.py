"""The unplug/replug benchmark (``bench/idcard_replug.py``) runs against the real desk controller: `make
bench` is not in CI, so this keeps a change in the reader or its status bar from breaking it unnoticed."""

from __future__ import annotations

from pathlib import Path


def test_one_unplug_and_replug_are_measured_beside_the_raw_pty(qapp, tmp_path: Path) -> None:
    from bench.idcard_form import _Counter
    from bench.idcard_replug import figures

    counter = _Counter(tmp_path)
    try:
        found = figures(counter, rounds=1)
    finally:
        counter.close()
    assert [f.name.split(",")[0] for f in found] == [
        'idcard: unplug → status "no reader"',
        'idcard: unplug → status "no reader"',
        'idcard: replug → status "connected"',
        'idcard: replug → status "connected"',
    ]
    assert all(f.value > 0 and f.baseline_value is not None and f.baseline_value > 0 for f in found)
    assert not counter.controller.bridge.active
