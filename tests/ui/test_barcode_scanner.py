"""A keyboard-wedge barcode scanner at the pharmacy counter: the same key events a person's keyboard sends,
told apart only by their timing, which a fake clock sets key by key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fever_desk.drugs import Drug, save_catalogue, user_catalogue_path
from fever_desk.pharmacy import DrugCategory
from fever_desk.settings import Settings, save_settings
from tests.ui.test_pharmacy_screen import PharmacyDb
from ui.desk.pharmacy.screen import PharmacyScreen
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station

IBUPROFEN = Drug("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, "盒", "6901234567892")
SCANNER_GAP = 0.004  # a handheld scanner: a few ms per character
PERSON_GAP = 0.150  # a quick person on the number row


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def screen(qtbot, tmp_path: Path) -> Iterator[tuple[PharmacyScreen, FakeClock]]:
    settings = Settings(institution="城关镇同心大药房", operator="张药师")
    settings_path = tmp_path / "config" / "settings.json"
    save_settings(settings, settings_path)
    catalogue = [IBUPROFEN, Drug("连花清瘟胶囊", DrugCategory.ANTIVIRAL)]
    save_catalogue(catalogue, user_catalogue_path(settings_path))
    url = f"sqlite:///{tmp_path / 'pharmacy.sqlite3'}"
    worker: Worker[PharmacyDb] = Worker(lambda: PharmacyDb(url))
    station = Station(settings, settings_path, worker, str)
    screen = PharmacyScreen(station)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    with qtbot.waitSignals([worker.context_ready, screen.day_loaded], timeout=20000):
        worker.start()
    clock = FakeClock()
    screen.scanner.clock = clock
    try:
        yield screen, clock
    finally:
        worker.stop()


def keys(clock: FakeClock, text: str, gap: float) -> None:
    """Each character, then Enter, into whatever has focus, ``gap`` seconds apart on the fake clock."""
    for char in text:
        clock.now += gap
        QTest.keyClicks(QApplication.focusWidget(), char)
    clock.now += gap
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)


def test_a_scanner_burst_adds_the_drug_and_leaves_the_field_as_typed(qtbot, screen) -> None:
    screen, clock = screen
    form = screen.form
    focus(qtbot, form.phone)
    for char in "138":  # the pharmacist had started on the phone number
        clock.now += PERSON_GAP
        QTest.keyClicks(form.phone, char)
    saves: list[object] = []
    form.save_requested.connect(saves.append)
    clock.now += 2.0  # picks up the scanner and points it at the box
    keys(clock, IBUPROFEN.barcode, SCANNER_GAP)
    assert [line.name for line in form.drugs.drafts()] == [IBUPROFEN.name]
    assert form.phone.text() == "138" and QApplication.focusWidget() is form.phone
    assert saves == [] and not form._errors["phone"].isVisible()  # the scanner's Enter saved nothing
    assert "布洛芬缓释胶囊" in screen.status.text()
    keys(clock, IBUPROFEN.barcode, SCANNER_GAP)  # a second box of the same
    assert [(line.name, line.quantity) for line in form.drugs.drafts()] == [(IBUPROFEN.name, "2")]
    focus(qtbot, form.drugs.quantity)  # a spin box: the scan is not taken for a quantity
    clock.now += 2.0
    keys(clock, IBUPROFEN.barcode, SCANNER_GAP)
    assert [(line.name, line.quantity) for line in form.drugs.drafts()] == [(IBUPROFEN.name, "3")]
    assert form.drugs.quantity.value() == 1
    question = next(iter(form.symptoms.fields.values()))  # 1 and 0 answer yes and no there
    focus(qtbot, question)
    clock.now += 2.0
    keys(clock, IBUPROFEN.barcode, SCANNER_GAP)
    assert [(line.name, line.quantity) for line in form.drugs.drafts()] == [(IBUPROFEN.name, "4")]
    assert question.value() is None


def test_the_same_digits_typed_by_a_person_are_typing(qtbot, screen) -> None:
    screen, clock = screen
    form = screen.form
    focus(qtbot, form.drugs.drug)
    keys(clock, IBUPROFEN.barcode, PERSON_GAP)
    assert form.drugs.line_count() == 1
    assert form.drugs.drafts()[0].name == IBUPROFEN.barcode  # Enter added what was typed, as typed
    focus(qtbot, form.phone)
    keys(clock, "13800138000", 0.060)  # fast, but not scanner fast
    assert form.phone.text() == "13800138000" and form.drugs.line_count() == 1
    form.phone.clear()
    focus(qtbot, form.phone)  # the Enter above tried to save and put the cursor on the missing name
    keys(clock, "13800138000", 0.001)  # a robot typing for a person: fast, but no barcode
    assert form.phone.text() == "13800138000" and form.drugs.line_count() == 1


def test_an_unknown_code_says_so_and_a_broken_one_is_only_typing(qtbot, screen) -> None:
    screen, clock = screen
    form = screen.form
    focus(qtbot, form.name)
    keys(clock, "6920152400197", SCANNER_GAP)
    assert form.drugs.line_count() == 0 and form.name.text() == ""
    assert "药品目录中没有此条码" in screen.status.text() and "6920152400197" in screen.status.text()
    question = screen.scan_question
    assert question is not None and "6920152400197" in question.text()
    QTest.keyClick(question, Qt.Key.Key_Escape)  # not now
    qtbot.waitUntil(lambda: screen.scan_question is None, timeout=2000)
    screen.status.clear()
    keys(clock, "6920152400190", SCANNER_GAP)  # a wrong check digit: no scanner sends that
    assert form.name.text() == "6920152400190" and screen.status.text() == ""


def test_the_threshold_follows_the_settings(qtbot, screen) -> None:
    import copy

    screen, clock = screen
    slow_scanner = 0.050  # a scanner behind a remote desktop
    focus(qtbot, screen.form.name)
    keys(clock, IBUPROFEN.barcode, slow_scanner)
    assert screen.form.drugs.line_count() == 0
    screen.form.clear()
    new = copy.deepcopy(screen.station.settings)
    new.scanner_max_gap_ms = 80
    screen.station.update_settings(new)
    qtbot.waitUntil(lambda: screen.scanner.detector.max_gap_s == 0.080, timeout=5000)
    focus(qtbot, screen.form.name)
    keys(clock, IBUPROFEN.barcode, slow_scanner)
    assert screen.form.drugs.line_count() == 1


def test_an_unknown_code_can_be_added_to_the_catalogue_from_the_question(qtbot, screen) -> None:
    from ui.desk.pharmacy.drug_catalogue import DrugCatalogueDialog

    screen, clock = screen
    focus(qtbot, screen.form.name)
    keys(clock, "6920152400197", SCANNER_GAP)
    qtbot.waitUntil(lambda: screen.scan_question is not None and screen.scan_question.isVisible())
    QTest.keyClick(screen.scan_question, Qt.Key.Key_Return)  # "Add to the catalogue…" is the default
    dialog = screen.catalogue_dialog
    assert isinstance(dialog, DrugCatalogueDialog) and dialog.isVisible()
    row = dialog.table.rowCount() - 1
    assert dialog.table.item(row, 3).text() == "6920152400197"
    assert dialog.table.currentRow() == row  # the cursor is on the new row's name
    dialog.table.item(row, 0).setText("新的止咳糖浆")
    dialog.save()
    assert not dialog.isVisible()
    keys(clock, "6920152400197", SCANNER_GAP)
    assert [line.name for line in screen.form.drugs.drafts()] == ["新的止咳糖浆"]
