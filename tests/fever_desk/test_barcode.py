"""EAN-13 codes on drug boxes, the catalogue's barcode column, and the keystroke-speed rule for scanners."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fever_desk.barcode import BurstDetector, barcode_problem, ean13_check_digit, is_ean13
from fever_desk.drugs import CatalogueError, Drug, find_barcode, load_catalogue, save_catalogue
from fever_desk.pharmacy import DrugCategory

# Codes printed on real boxes (GS1 China prefixes 690–699), check digits as printed.
PRINTED = ("6901234567892", "6920152400197", "4006381333931")


@pytest.mark.parametrize("code", PRINTED)
def test_printed_codes_pass_the_check(code: str) -> None:
    assert is_ean13(code)
    assert barcode_problem(code) == ""


def test_wrong_codes_are_named() -> None:
    assert barcode_problem("6901234567891") == "The barcode's last digit does not match: check the digits."
    assert barcode_problem("69012345") == "A barcode has 13 digits (EAN-13)."
    assert barcode_problem("690123456789X") == "A barcode has 13 digits (EAN-13)."
    assert barcode_problem("６９０１２３４５６７８９２") == "A barcode has 13 digits (EAN-13)."  # full-width


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(first12: str, where: int, delta: int) -> None:
    code = first12 + ean13_check_digit(first12)
    assert is_ean13(code)
    wrong = code[:where] + str((int(code[where]) + delta) % 10) + code[where + 1 :]
    assert not is_ean13(wrong)


def test_catalogue_keeps_barcodes_through_a_save(tmp_path: Path) -> None:
    path = tmp_path / "drugs.toml"
    drugs = [
        Drug("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, "盒", "6901234567892"),
        Drug("连花清瘟胶囊", DrugCategory.ANTIVIRAL, "盒"),
    ]
    save_catalogue(drugs, path)
    loaded = load_catalogue(path)
    assert loaded == drugs
    assert find_barcode(loaded, "6901234567892") == drugs[0]
    assert find_barcode(loaded, "6920152400197") is None
    assert find_barcode(loaded, "") is None


def test_catalogue_refuses_a_bad_or_repeated_barcode(tmp_path: Path) -> None:
    path = tmp_path / "drugs.toml"
    with pytest.raises(CatalogueError, match="last digit"):
        save_catalogue([Drug("甲", DrugCategory.COUGH, "盒", "6901234567891")], path)
    twice = [
        Drug("甲", DrugCategory.COUGH, "盒", "6901234567892"),
        Drug("乙", DrugCategory.COUGH, "盒", "6901234567892"),
    ]
    with pytest.raises(CatalogueError, match="listed twice"):
        save_catalogue(twice, path)
    assert not path.exists()


def _feed(detector: BurstDetector, code: str, gaps: list[float]) -> str | None:
    at = 100.0
    for char, gap in zip(code, gaps, strict=False):
        at += gap
        detector.digit(char, at)
    return detector.enter(at + gaps[-1])


def test_a_fast_burst_ended_by_enter_is_a_scan_and_slow_typing_is_not() -> None:
    detector = BurstDetector(max_gap_s=0.035)
    assert _feed(detector, "6901234567892", [0.004] * 14) == "6901234567892"
    assert _feed(detector, "6901234567892", [0.12] * 14) is None
    assert detector.digits == []


@given(
    st.lists(st.floats(0.0, 0.030), min_size=13, max_size=13),
    st.lists(st.floats(0.080, 0.6), min_size=13, max_size=13),
    st.integers(1, 12),
)
def test_one_slow_key_anywhere_makes_it_typing(fast: list[float], slow: list[float], where: int) -> None:
    """One human gap splits the burst: the whole code is never taken from keys a person typed."""
    detector = BurstDetector(max_gap_s=0.035)
    gaps = [*fast, 0.005]
    gaps[where] = slow[where]
    code = "6901234567892"
    rest = code[where:]  # the slow key starts a new burst: at most the digits after it
    assert _feed(detector, code, gaps) == (rest if len(rest) >= 8 else None)
    assert _feed(detector, code, [*fast, 0.005]) == code
    assert _feed(detector, code, slow) is None


def test_the_threshold_is_the_setting() -> None:
    assert _feed(BurstDetector(max_gap_s=0.060), "6901234567892", [0.050] * 14) == "6901234567892"
    assert _feed(BurstDetector(max_gap_s=0.035), "6901234567892", [0.050] * 14) is None


def test_only_whole_codes_with_their_check_digit_are_scannable() -> None:
    from fever_desk.barcode import is_scannable

    assert is_scannable("6901234567892") and is_scannable("96385074")  # EAN-13, EAN-8 (GS1's example)
    assert not is_scannable("96385075") and not is_scannable("6901234567891")
    assert not is_scannable("13800138000") and not is_scannable("110105194912310021")  # phone, ID
