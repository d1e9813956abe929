"""The pharmacy screen on a real temporary database, filled in as a pharmacist would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.pharmacy import Advice, Purchase
from fever_desk.settings import Settings, save_settings
from tests.fever_desk.pharmacy_cases import ID_NUMBER, PHONE
from ui.desk.people.person_search import PersonSearch
from ui.desk.pharmacy.screen import PharmacyScreen
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services.database import Database


class PharmacyDb(Database):
    """The station's worker context (``ui.services.database.Database``): repositories and the audit trail."""


@dataclass
class Counter:
    screen: PharmacyScreen
    station: Station
    worker: Worker
    url: str


@pytest.fixture
def counter(qtbot, tmp_path: Path) -> Iterator[Counter]:
    settings = Settings(institution="城关镇同心大药房", operator="张药师")
    settings_path = tmp_path / "config" / "settings.json"
    save_settings(settings, settings_path)
    url = f"sqlite:///{tmp_path / 'pharmacy.sqlite3'}"
    worker: Worker[PharmacyDb] = Worker(lambda: PharmacyDb(url))
    station = Station(settings, settings_path, worker, str)
    screen = PharmacyScreen(station)
    qtbot.addWidget(screen)
    screen.resize(1200, 900)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    with qtbot.waitSignals([worker.context_ready, screen.day_loaded], timeout=20000):
        worker.start()
    screen.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.form.name, timeout=5000)
    try:
        yield Counter(screen, station, worker, url)
    finally:
        worker.stop()


def commit(text: str) -> None:
    """Chinese as an input method delivers it (keyClicks is ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(QApplication.focusWidget(), event)


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), k, modifier)


def fill_routine_purchaser(temperature: str = "36.6") -> None:
    """name → Tab document → Tab number → Tab phone → Tab address → Tab community → Tab temperature."""
    commit("王建国")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), ID_NUMBER)
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), PHONE)
    key(Qt.Key.Key_Tab)
    commit("城关镇幸福路1号")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), temperature)
    key(Qt.Key.Key_F8)  # every question asked: the rest are "no"; focus moves to the medicine
    commit("布洛芬缓释胶囊")
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "\b2")
    key(Qt.Key.Key_Return)  # adds the medicine line


def saved_rows(counter: Counter) -> list[Purchase]:
    repo = SqlPurchaseRepository(counter.worker.context.handle.session_factory)  # type: ignore[union-attr]
    now = datetime.now().astimezone()
    return repo.between(now - timedelta(days=1), now + timedelta(minutes=1))


def test_a_routine_purchase_is_registered_from_the_keyboard(qtbot, counter: Counter) -> None:
    screen = counter.screen
    fill_routine_purchaser()
    assert screen.form.drugs.line_count() == 1
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    with qtbot.waitSignal(screen.saved, timeout=10000) as saved:
        key(Qt.Key.Key_Return)  # nothing typed in the medicine field: Enter saves
    purchase: Purchase = saved.args[0]
    assert purchase.purchaser.name == "王建国" and purchase.purchaser.id_number == ID_NUMBER
    assert purchase.advice is Advice.NONE and purchase.operator == "张药师"
    rows = saved_rows(counter)
    assert [(r.purchaser.name, r.drugs[0].name, r.drugs[0].quantity) for r in rows] == [
        ("王建国", "布洛芬缓释胶囊", 2)
    ]
    assert screen.form.name.text() == "" and "王建国" in screen.advice.headline.text()
    qtbot.waitUntil(lambda: screen.today.model.rowCount() == 1, timeout=5000)


def test_a_failed_check_keeps_everything_typed_and_says_why(qtbot, counter: Counter) -> None:
    screen = counter.screen
    commit("王建国")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2"))
    key(Qt.Key.Key_Return)
    assert screen.form.name.text() == "王建国"
    assert screen.form._errors["id_number"].text() == "身份证号校验位不符，请逐位核对。"
    assert QApplication.focusWidget() is screen.form.id_number
    assert saved_rows(counter) == []


def test_fever_advice_appears_for_37_8_and_offers_the_slip(qtbot, counter: Counter) -> None:
    screen = counter.screen
    fill_routine_purchaser("37.8")
    assert screen.advice.fever_clinic()
    assert "发热门诊" in screen.advice.headline.text()
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Qt.Key.Key_Return)
    assert screen.advice.slip_button.isVisible()
    with qtbot.waitSignal(screen.slip_requested, timeout=2000) as slip:
        key(Qt.Key.Key_F10)
    assert slip.args[0].advice is Advice.FEVER_CLINIC and slip.args[0].advice_reasons == ("fever",)


def test_a_second_purchase_shows_the_first_and_needs_f9(qtbot, counter: Counter) -> None:
    screen = counter.screen
    fill_routine_purchaser()
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Qt.Key.Key_Return)
    with qtbot.waitSignal(screen.repeats_shown, timeout=10000):
        fill_routine_purchaser()
    qtbot.waitUntil(lambda: screen.repeats.isVisible() and screen.repeats.list.count() == 1, timeout=5000)
    assert "王建国" in screen.repeats.list.item(0).text()
    key(Qt.Key.Key_Return)  # refused until confirmed; nothing lost
    assert screen.form.name.text() == "王建国" and len(saved_rows(counter)) == 1
    key(Qt.Key.Key_F7)
    assert not screen.repeats.pending()
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Qt.Key.Key_Return)
    assert len(saved_rows(counter)) == 2


def test_buying_for_someone_else_with_a_fever_advises_the_clinic(qtbot, counter: Counter) -> None:
    screen = counter.screen
    fill_routine_purchaser()
    screen.form.for_other.setChecked(True)
    assert QApplication.focusWidget() is screen.form.other_name
    commit("王母")
    key(Qt.Key.Key_Tab)
    commit("母亲")
    screen.form.other_temperature.setText("38.5")
    assert screen.advice.fever_clinic()
    with qtbot.waitSignal(screen.saved, timeout=10000) as saved:
        screen.form.request_save()
    assert saved.args[0].other.name == "王母" and saved.args[0].advice is Advice.FEVER_CLINIC


def test_export_writes_the_day_on_the_worker(qtbot, counter: Counter, tmp_path: Path) -> None:
    screen = counter.screen
    fill_routine_purchaser()
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Qt.Key.Key_Return)
    out = tmp_path / "out" / "register.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=20000):
        screen.export_to(out, date.today(), date.today())
    values = [c.value for c in list(load_workbook(out).active.iter_rows())[4]]
    assert "王建国" in values and ID_NUMBER in values


def test_device_reading_is_marked_as_measured(counter: Counter) -> None:
    from fever_desk.model import MeasureMode

    counter.screen.set_device_reading(37.9, MeasureMode.BODY, "IR-200 #1", datetime.now().astimezone())
    assert counter.screen.form.temperature.text() == "37.9"
    assert "IR-200 #1" in counter.screen.form.temperature_badge.text()
    assert counter.screen.advice.fever_clinic()


def test_person_search_shows_the_purchases(qtbot, counter: Counter) -> None:
    screen = counter.screen
    fill_routine_purchaser()
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Qt.Key.Key_Return)
    search = PersonSearch(counter.station)
    qtbot.addWidget(search)
    search.search.setText(PHONE[-4:])
    with qtbot.waitSignal(search.results_shown, timeout=10000):
        search.run_search()
    assert search.table.rowCount() == 1 and search.table.item(0, 2).text() == "王建国"
