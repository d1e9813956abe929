"""``make bench``'s card-reader figures run against the real pharmacy screen: a short run measures each
one (`make bench` is not in CI, so this keeps a change in the desk from breaking them unnoticed)."""

from __future__ import annotations


def test_the_card_reader_figures_are_measured_on_the_real_form(qapp) -> None:
    from bench.idcard_form import figures

    rows = {f.name: f for f in figures(3, [0.1, 0.2, 0.3])}
    filled = rows["idcard: pty read reply → filled form, p95"]
    assert filled.value > 0 and filled.baseline_value == 0.29
    keys = rows["registration by card + scan, keys"]
    assert keys.value == 0 and keys.baseline_value is not None and keys.baseline_value > 18 + 4
    seconds = rows["registration by card + scan, s"]
    assert seconds.value > 0 and seconds.baseline_value is not None
