"""The hospital's check: a scanned code shows GENUINE only when unchanged and signed by the known key."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from fever_desk.i18n import tr
from fever_desk.slips import issue_slip, load_or_create_keys, public_key_text
from tests.fever_desk import slip_cases
from ui.desk.slips.verify_slip import VerifySlipScreen, remembered_keys


@pytest.fixture
def screen(desk, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    screen = VerifySlipScreen(desk.window.station)
    desk.window.add_screen(screen, "verify")
    desk.window.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.own_key is not None, timeout=10000)
    yield screen
    screen.stop()
    assert not screen.worker._thread.is_alive()


def payload(data_dir: Path, station_id: str = "9c3a1e7d22b0") -> str:
    settings = slip_cases.settings()
    settings.station_id = station_id
    return issue_slip(slip_cases.screening(), settings, data_dir).content.qr_payload


def scan(screen: VerifySlipScreen, text: str) -> None:
    """A keyboard-wedge scanner: the code typed into the focused box, then Enter."""
    screen.code.setFocus()
    screen.code.selectAll()
    QTest.keyClicks(screen.code, text)
    QTest.keyClick(screen.code, Qt.Key.Key_Return)


def test_a_slip_from_this_station_is_genuine_and_a_changed_one_is_not(screen, tmp_path):
    code = payload(tmp_path / "data")
    scan(screen, code)
    assert screen.verdict.text() == tr("GENUINE") and "#1b7f3b" in screen.verdict.styleSheet()
    assert screen.result is not None and screen.result.ok
    assert screen.fields[0].text() == "9C3A-200207-4F1B2C"
    assert screen.fields[3].text().startswith("S — ")
    assert screen.code.selectedText() == code  # the next scan replaces it
    altered = code.replace(".S.", ".R.")
    scan(screen, altered)
    assert screen.verdict.text() == tr("ALTERED OR NOT FROM THIS STATION")
    assert "#b00020" in screen.verdict.styleSheet()
    assert screen.fields[3].text().startswith("R — ")  # what the altered code claims, shown for comparison
    for garbage in ("hello", "FD1.too.few"):
        scan(screen, garbage)
        assert screen.verdict.text() == tr("MALFORMED")


def test_a_hospital_key_is_remembered_per_station_once_it_verified_a_slip(screen, tmp_path):
    other_dir = tmp_path / "other-station"
    code = payload(other_dir, station_id="clinic-b")
    scan(screen, code)
    assert screen.verdict.text() == tr("ALTERED OR NOT FROM THIS STATION")  # checked with our own key
    wrong = public_key_text(load_or_create_keys(tmp_path / "third").public_key)
    screen.key.setText(wrong)
    scan(screen, code)
    assert not screen.result.ok and remembered_keys(screen.station.settings) == {}
    right = public_key_text(load_or_create_keys(other_dir).public_key)
    screen.key.setText(right)
    scan(screen, code)
    assert screen.result.ok and remembered_keys(screen.station.settings) == {"clinic-b": right}
    screen.key.clear()
    scan(screen, code)
    assert screen.result.ok and "clinic-b" in screen.fields[4].text()


def test_a_key_file_fills_the_key_box_and_a_bad_key_is_named(screen, qtbot, tmp_path):
    other_dir = tmp_path / "other-station"
    code = payload(other_dir)
    screen.code.setText(code)
    screen.load_key_file(other_dir / "slip-signing-key.pub.pem")
    qtbot.waitUntil(lambda: screen.key.text().startswith("ed25519:"), timeout=10000)
    assert screen.result is not None and screen.result.ok
    screen.key.setText("ed25519:not a key")
    scan(screen, code)
    assert screen.verdict.text() == tr("KEY UNREADABLE")


def test_the_station_public_key_is_shown_for_the_hospital(screen, qtbot, tmp_path):
    screen.own_key_button.click()
    qtbot.waitUntil(lambda: screen.own_key_text.startswith("ed25519:"), timeout=10000)
    assert screen.own_key_text == public_key_text(load_or_create_keys(tmp_path / "data").public_key)
    boxes = [d for d in screen._dialogs if isinstance(d, QMessageBox)]
    assert boxes and screen.own_key_text in boxes[0].informativeText()
    boxes[0].reject()
    qtbot.waitUntil(lambda: not screen._dialogs, timeout=5000)
