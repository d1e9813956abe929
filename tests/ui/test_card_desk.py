"""The report cards on the desk: the 2-hour clock, the doctor's editor, marking reported, corrections.

Each test builds a station on a migrated SQLite file with its real database worker, a card made the way
the station makes one (a suspected screening saved through ``ui.services.screening.save_screening``), and
an injected clock, so "1 h 45 min after the diagnosis" is a value, not a wait.  What is asserted is what
the doctor or nurse sees (the strip's lines and colours, the message naming the field, where the focus
went) and what the database holds afterwards, read back through the card service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fever_desk.accounts import Operator, Role
from fever_desk.i18n import tr
from fever_desk.model import Disposition
from fever_desk.report_card.card import FIELD_LABELS, ReportCard
from fever_desk.report_card.fields import CardKind, CaseClass
from fever_desk.settings import Settings, save_settings
from tests.db.factories import make_screening
from tests.pdf import pdf_text
from ui.desk.report_cards import cards_api as api
from ui.desk.report_cards.actions import CorrectionDialog, MarkReportedDialog
from ui.desk.report_cards.desk import CardDesk
from ui.desk.report_cards.editor import CardEditor
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services import report_cards as service
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.problems import describe_error
from ui.services.screening import save_screening

DIAGNOSED = datetime(2020, 2, 1, 9, 0).astimezone()
DOCTOR, NURSE = "dr.zhang", "nurse.li"
ID_CHILD = "420606201201011234"  # any text: the card only requires one


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    settings = Settings(
        station_id="desk-1",
        station_name="城关镇卫生院预检分诊台",
        institution="城关镇卫生院",
        area_code="430121",
        operator=DOCTOR,
    )
    path = tmp_path / "config" / "settings.json"
    save_settings(settings, path)
    worker: Worker[Database] = Worker(lambda: Database(f"sqlite:///{tmp_path / 'cards.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    for username, role in ((DOCTOR, Role.DOCTOR), (NURSE, Role.NURSE)):
        on_worker(
            qtbot,
            station,
            lambda ctx, u=username, r=role: ctx.accounts.add(u, "correct horse", r, must_change=False),
        )
    log_in_as(qtbot, station, DOCTOR, Role.DOCTOR)
    try:
        yield station
    finally:
        worker.stop()


def log_in_as(qtbot, station: Station, username: str, role: Role) -> None:
    """What the login gate does: the window's operator, and the worker's actor for the trail."""
    station.operator = Operator(uuid.uuid4(), username, username, role)
    on_worker(qtbot, station, lambda ctx: set_actor(ctx, username, "desk-1"))


def on_worker(qtbot, station: Station, fn: Callable[[Any], Any]) -> Any:
    box: list[Any] = []
    station.worker.submit(fn, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def suspected_card(qtbot, station: Station, name: str = "王小明") -> ReportCard:
    """A suspected screening saved as the desk saves one; its card comes with it."""
    screening = make_screening(name, created_at=DIAGNOSED, disposition=Disposition.SUSPECTED, celsius=38.6)
    on_worker(qtbot, station, lambda ctx: save_screening(ctx, screening))
    cards = on_worker(qtbot, station, lambda ctx: service.open_cards(ctx, DIAGNOSED))
    (card,) = [entry.card for entry in cards if entry.card.name == name]
    return card


def stored(qtbot, station: Station, card_id: uuid.UUID) -> ReportCard:
    return on_worker(qtbot, station, lambda ctx: service.get_card(ctx, card_id))


def make_desk(qtbot, station: Station, clock: Clock) -> CardDesk:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    desk = CardDesk(station, window, window, clock)
    window.setCentralWidget(desk.strip)
    window.show()
    return desk


def strip_lines(desk: CardDesk) -> list[tuple[str, str]]:
    items = [desk.strip.list.item(i) for i in range(desk.strip.list.count())]
    return [(item.text(), item.data(Qt.ItemDataRole.UserRole + 1)) for item in items]


def open_editor(qtbot, desk: CardDesk, card: ReportCard) -> CardEditor:
    assert desk.open_card(card)
    qtbot.waitUntil(lambda: desk.editor is not None and desk.editor.isVisible(), timeout=5000)
    editor = desk.editor
    qtbot.waitUntil(lambda: editor.history.count() > 0, timeout=5000)
    return editor


def type_into(widget: Any, text: str) -> None:
    widget.setFocus()
    QTest.keyClicks(widget, text)


def complete_by_keyboard(qtbot, editor: CardEditor) -> None:
    """The doctor's fields, typed: the occupation's number, the address levels the station lacked."""
    type_into(editor.crowd, "03")  # 学生
    type_into(editor.fields["work_unit"], "No. 1 Middle School")
    for level in ("province", "city", "county", "township"):
        widget = editor.fields[level]
        if not widget.text():  # type: ignore[attr-defined]
            type_into(widget, level.capitalize())


# ---- the clock ------------------------------------------------------------------------------------------
def test_the_clock_goes_from_due_to_warning_to_overdue_and_leaves_when_reported(
    qtbot, station: Station
) -> None:
    clock = Clock(DIAGNOSED + timedelta(minutes=10))
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    assert desk.strip.isVisible()
    (line,) = strip_lines(desk)
    assert card.number in line[0] and "王小明" in line[0] and "110" in line[0] and line[1] == "due"
    clock.moment = DIAGNOSED + timedelta(minutes=95)
    desk.clock.tick()
    qtbot.waitUntil(lambda: strip_lines(desk)[0][1] == "warning", timeout=5000)
    assert "25" in strip_lines(desk)[0][0]
    assert "#fff4d6" in desk.strip.styleSheet()
    clock.moment = DIAGNOSED + timedelta(minutes=125)
    desk.clock.timer.timeout.emit()  # what the QTimer does every 20 s
    qtbot.waitUntil(lambda: strip_lines(desk)[0][1] == "overdue", timeout=5000)
    text = strip_lines(desk)[0][0]
    assert "5" in text and text == tr(
        "{card}: overdue by {minutes} min", card=f"{card.number}  王小明", minutes=5
    )
    assert "#b00020" in desk.strip.styleSheet()
    item = desk.strip.list.item(0)
    assert item.background().color().name() == "#fde7ea" and item.foreground().color().name() == "#b00020"
    # Completed and marked reported (by the service, as another counter would): gone from the clock.
    values = {**api.doctor_values(card), "occupation": "student", "belongs": "same_county"}
    values.update({level: values[level] or level for level in ("province", "city", "county", "township")})
    station_values = api.station_of(station.settings)
    on_worker(qtbot, station, lambda ctx: api.complete(ctx, card.id, values, clock.moment, station_values))
    on_worker(qtbot, station, lambda ctx: service.mark_reported(ctx, card.id, "4301-0001", now=clock.moment))
    desk.clock.tick()
    qtbot.waitUntil(lambda: not desk.clock.rows, timeout=5000)
    assert desk.strip.isVisible() and not desk.strip.list.isVisible()  # the clock stays, saying so
    assert desk.strip.title.text() == tr("Report cards within 2 hours: none waiting to be reported.")
    assert "#fde7ea" not in desk.strip.styleSheet()
    desk.stop()


def test_with_the_shared_server_unreachable_the_clock_counts_down_what_it_last_read(
    qtbot, station: Station
) -> None:
    """Offline (``ctx.store``'s link down) the clock asks no server, so the nurse's saves are not held
    behind a query every 20 s; the cards it last read go on counting down."""
    from types import SimpleNamespace

    clock = Clock(DIAGNOSED + timedelta(minutes=10))
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)

    def server(online: bool | None) -> None:
        link = None if online is None else SimpleNamespace(link=SimpleNamespace(online=online))
        on_worker(qtbot, station, lambda ctx: setattr(ctx, "store", link))

    def reading() -> list[tuple[str, str]]:
        desk.clock.tick()
        qtbot.waitUntil(lambda: not desk.clock.asking, timeout=5000)
        return strip_lines(desk)

    try:
        server(False)
        clock.moment = DIAGNOSED + timedelta(minutes=95)
        assert [level for _text, level in reading()] == ["warning"]
        server(None)  # SQLite has no store: the card is marked reported (as at another counter)
        values = {**api.doctor_values(card), "occupation": "student", "belongs": "same_county"}
        values.update({level: values[level] or level for level in ("province", "city", "county", "township")})
        station_values = api.station_of(station.settings)
        on_worker(
            qtbot, station, lambda ctx: api.complete(ctx, card.id, values, clock.moment, station_values)
        )
        on_worker(
            qtbot, station, lambda ctx: service.mark_reported(ctx, card.id, "4301-0001", now=clock.moment)
        )
        server(False)
        clock.moment = DIAGNOSED + timedelta(minutes=125)
        assert [level for _text, level in reading()] == ["overdue"]  # not asked: still the last reading
        server(True)
        assert reading() == []  # back online: read again, nothing waits
    finally:
        server(None)  # the Database closes its store on teardown
        desk.stop()


def test_a_nurse_sees_the_clock_but_is_told_only_a_doctor_opens_a_card(qtbot, station: Station) -> None:
    log_in_as(qtbot, station, NURSE, Role.NURSE)
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, Clock(DIAGNOSED + timedelta(minutes=1)))
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    assert desk.strip.focus_list()
    QTest.keyClick(desk.strip.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _message_box() is not None, timeout=5000)
    box = _message_box()
    assert box is not None and box.text() == tr(
        "Only a doctor or an administrator can open a report card; ask the doctor to log in."
    )
    assert desk.editor is None
    box.accept()
    assert stored(qtbot, station, card.id).completed_at is None
    desk.stop()


def _message_box() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[0] if boxes else None


# ---- the editor ---------------------------------------------------------------------------------------
def test_the_editor_names_each_missing_field_focuses_it_and_loses_nothing(qtbot, station: Station) -> None:
    card = suspected_card(qtbot, station)
    clock = Clock(DIAGNOSED + timedelta(minutes=30))
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    desk.strip.focus_list()
    QTest.keyClick(desk.strip.list, Qt.Key.Key_Return)  # F6 then Enter: the most urgent card
    qtbot.waitUntil(lambda: desk.editor is not None and desk.editor.isVisible(), timeout=5000)
    editor = desk.editor
    assert editor is not None
    known = {
        editor.known.itemAt(i, editor.known.ItemRole.FieldRole).widget().text()
        for i in range(editor.known.rowCount())
    }
    assert "王小明" in known and editor.fields["id_number"].text() == card.id_number  # type: ignore[attr-defined]
    # The full ID number is on screen: the view was logged first, as for any full ID shown.
    trail = on_worker(qtbot, station, lambda ctx: ctx.audit.for_record("report_card", str(card.id)))
    assert [(e.action, e.operator) for e in trail if e.action == "view_full_id"] == [("view_full_id", DOCTOR)]
    # 病人属于 suggested from the area codes (or left to choose when the address has no code).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.crowd, timeout=5000)  # the first still empty
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    occupation = tr(FIELD_LABELS["occupation"])
    assert occupation in editor.problem.text() and editor.problem.isVisible()
    assert QApplication.focusWidget() is editor.crowd
    assert "b00020" in editor.labels["occupation"].styleSheet()
    type_into(editor.crowd, "03")
    assert editor.crowd.currentData() == "student"
    type_into(editor.fields["work_unit"], "No. 1 Middle School")
    type_into(editor.fields["remarks"], "came by bus")
    for level in ("province", "city", "county", "township"):
        editor.fields[level].clear()  # type: ignore[attr-defined]
    if editor.belongs.currentData() == "":
        type_into(editor.belongs, "1")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tr(FIELD_LABELS["address"]) in editor.problem.text()
    assert QApplication.focusWidget() is editor.fields["province"]
    # Nothing typed was lost by the refusal.
    assert editor.crowd.currentData() == "student"
    assert editor.fields["work_unit"].text() == "No. 1 Middle School"  # type: ignore[attr-defined]
    assert editor.fields["remarks"].text() == "came by bus"  # type: ignore[attr-defined]
    for level in ("province", "city", "county", "township"):
        type_into(editor.fields[level], level.capitalize())
    editor.onset.clear()  # type: ignore[attr-defined]
    type_into(editor.onset, "2020-13-45")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (
        tr(FIELD_LABELS["onset_date"]) in editor.problem.text() and QApplication.focusWidget() is editor.onset
    )
    editor.onset.clear()  # type: ignore[attr-defined]
    type_into(editor.onset, "2020-01-30")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = stored(qtbot, station, card.id)
    assert saved.completed_by == DOCTOR and saved.completed_at == clock.moment
    assert (saved.occupation, saved.work_unit, saved.remarks) == (
        "student",
        "No. 1 Middle School",
        "came by bus",
    )
    assert saved.address.township == "Township" and saved.onset_date.isoformat() == "2020-01-30"
    assert saved.reporting_unit == "城关镇卫生院" and saved.doctor == DOCTOR
    assert not editor.problem.isVisible()
    desk.stop()


def test_esc_on_an_edited_card_asks_once_before_closing(qtbot, station: Station) -> None:
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, Clock(DIAGNOSED))
    editor = open_editor(qtbot, desk, card)
    type_into(editor.fields["work_unit"], "Bank")
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible() and editor.fields["work_unit"].text() == "Bank"  # type: ignore[attr-defined]
    assert editor.problem.text() == tr(
        "Unsaved changes: press Esc again to close without saving, Ctrl+S to save."
    )
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: desk.editor is None or not desk.editor.isVisible(), timeout=5000)


# ---- marking reported and correcting ---------------------------------------------------------------
def completed_card(qtbot, station: Station, desk: CardDesk, clock: Clock) -> tuple[ReportCard, CardEditor]:
    card = suspected_card(qtbot, station)
    editor = open_editor(qtbot, desk, card)
    complete_by_keyboard(qtbot, editor)
    if editor.belongs.currentData() == "":
        type_into(editor.belongs, "1")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return stored(qtbot, station, card.id), editor


def closed(widget: Any) -> bool:
    return not shiboken6.isValid(widget) or not widget.isVisible()


def dialog_of(kind: type) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[0] if found else None


@pytest.mark.parametrize(("minutes", "late"), [(119, False), (121, True)])
def test_mark_reported_records_who_when_and_the_national_number(
    qtbot, station: Station, minutes: int, late: bool
) -> None:
    clock = Clock(DIAGNOSED + timedelta(minutes=40))
    desk = make_desk(qtbot, station, clock)
    desk.start()
    card, editor = completed_card(qtbot, station, desk, clock)
    clock.moment = DIAGNOSED + timedelta(minutes=minutes)
    QTest.keyClick(editor, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog_of(MarkReportedDialog) is not None, timeout=5000)
    dialog = dialog_of(MarkReportedDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.number, timeout=5000)
    QTest.keyClick(dialog.number, Qt.Key.Key_Return)  # no number yet: refused, naming the field
    assert tr(FIELD_LABELS["national_number"]) in dialog.problem.text() and dialog.isVisible()
    QTest.keyClicks(dialog.number, "43012100001")
    QTest.keyClick(dialog.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10000)
    marked = stored(qtbot, station, card.id)
    assert (marked.reported_by, marked.national_number) == (DOCTOR, "43012100001")
    assert marked.reported_at == DIAGNOSED + timedelta(minutes=minutes)
    qtbot.waitUntil(lambda: not desk.clock.rows, timeout=5000)  # off the clock
    qtbot.waitUntil(lambda: "43012100001" in " ".join(_history(editor)), timeout=5000)
    assert not editor.mark_button.isEnabled() and not editor.save_button.isEnabled()
    # 1 h 59 min is on time, 2 h 01 min late, and the history says so.
    assert (tr("reported after the 2 hours") in " ".join(_history(editor))) is late
    desk.stop()


def _history(editor: CardEditor) -> list[str]:
    return [editor.history.item(i).text() for i in range(editor.history.count())]


def test_a_correction_to_confirmed_makes_a_linked_card_and_keeps_the_first(qtbot, station: Station) -> None:
    clock = Clock(DIAGNOSED + timedelta(minutes=20))
    desk = make_desk(qtbot, station, clock)
    desk.start()
    first, editor = completed_card(qtbot, station, desk, clock)
    on_worker(
        qtbot, station, lambda ctx: service.mark_reported(ctx, first.id, "43012100001", now=clock.moment)
    )
    clock.moment = DIAGNOSED + timedelta(hours=26)
    QTest.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog_of(CorrectionDialog) is not None, timeout=5000)
    dialog = dialog_of(CorrectionDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.to, timeout=5000)
    QTest.keyClick(dialog.to, Qt.Key.Key_Return)  # nothing chosen: refused
    assert tr("Choose the new classification.") in dialog.problem.text()
    confirmed = next(
        i for i in range(dialog.to.count()) if dialog.to.itemData(i) == CaseClass.CONFIRMED.value
    )
    QTest.keyClicks(dialog.to, dialog.to.itemText(confirmed).split()[0])
    assert dialog.to.currentData() == CaseClass.CONFIRMED.value
    type_into(dialog.reason, "PCR positive")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10000)
    chain = on_worker(qtbot, station, lambda ctx: service.chain_of(ctx, first.id))
    assert len(chain) == 2 and chain[0].id == first.id
    correction = chain[1]
    assert correction.kind is CardKind.CORRECTION and correction.corrects == first.id
    assert correction.case_class is CaseClass.CONFIRMED and correction.number != first.number
    unchanged = stored(qtbot, station, first.id)
    assert unchanged.case_class is CaseClass.SUSPECTED and unchanged.national_number == "43012100001"
    # The editor now shows the correction, and the history both cards.
    assert editor.card.id == correction.id and correction.number in editor.header.text()
    qtbot.waitUntil(lambda: len(_history(editor)) == 2, timeout=5000)
    assert first.number in _history(editor)[0] and correction.number in _history(editor)[1]
    desk.stop()


# ---- in the station's window ----------------------------------------------------------------------------
def test_the_window_shows_the_clock_above_the_tabs_and_f6_then_enter_opens_the_card(qtbot, desk) -> None:
    """The whole window (``tests/ui/conftest.desk``): a suspected save made through the station appears
    on the strip; F6 takes the keyboard there and Enter opens the card for the doctor."""
    window = desk.window
    station = window.station
    on_worker(
        qtbot, station, lambda ctx: ctx.accounts.add(DOCTOR, "correct horse", Role.DOCTOR, must_change=False)
    )
    log_in_as(qtbot, station, DOCTOR, Role.DOCTOR)
    window.apply_operator(station.operator)
    assert window._outer.indexOf(window.cards.strip) < window._outer.indexOf(window.tabs)
    assert window.cards.menu.menuAction() in window.menuBar().actions()
    qtbot.waitUntil(lambda: window.cards.strip.isVisible(), timeout=10000)  # always there, nothing waiting
    assert not window.cards.strip.list.isVisible()
    now = datetime.now().astimezone()
    screening = make_screening("李四", created_at=now, disposition=Disposition.SUSPECTED, celsius=38.9)
    station.perform(lambda ctx: save_screening(ctx, screening))
    qtbot.waitUntil(lambda: window.cards.strip.list.isVisible(), timeout=10000)
    (line,) = strip_lines(window.cards)
    assert "李四" in line[0] and line[1] == "due"
    window.activateWindow()
    window.form.name.setFocus()
    QTest.keyClick(window.form.name, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cards.strip.list, timeout=5000)
    QTest.keyClick(window.cards.strip.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cards.editor is not None and window.cards.editor.isVisible(), timeout=5000)
    assert window.cards.editor.card.name == "李四"
    window.cards.editor.done(0)


# ---- the files ------------------------------------------------------------------------------------------
def answer_file_dialog(qtbot, target: Path) -> None:
    """The save dialog the desk opened, answered with ``target`` (what its Save button reports), then closed.

    Typing into the widget-based dialog under the offscreen platform did not reach its Save; the real
    dialog is driven by keys in the real-display tests (tests/e2e)."""
    qtbot.waitUntil(lambda: dialog_of(QFileDialog) is not None, timeout=5000)
    dialog = dialog_of(QFileDialog)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    dialog.fileSelected.emit(str(target))
    dialog.close()


def test_ctrl_p_saves_the_card_as_a4_pdf_with_what_the_doctor_completed(
    qtbot, station: Station, tmp_path
) -> None:
    clock = Clock(DIAGNOSED + timedelta(minutes=15))
    desk = make_desk(qtbot, station, clock)
    card, editor = completed_card(qtbot, station, desk, clock)
    target = tmp_path / "card.pdf"
    QTest.keyClick(editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    answer_file_dialog(qtbot, target)
    qtbot.waitUntil(target.exists, timeout=10000)
    qtbot.waitUntil(lambda: pdf_text(target).strip() != "", timeout=10000)
    text = pdf_text(target)
    for value in (card.number, "王小明", card.id_number, "学生", "No. 1 Middle School", "城关镇卫生院"):
        assert value in text, (value, text)


def test_the_days_cards_exported_as_xlsx_from_the_menu(qtbot, station: Station, tmp_path) -> None:
    from openpyxl import load_workbook

    clock = Clock(DIAGNOSED + timedelta(minutes=15))
    first = suspected_card(qtbot, station, "王小明")
    second = suspected_card(qtbot, station, "赵丽")
    desk = make_desk(qtbot, station, clock)
    target = tmp_path / "cards.xlsx"
    desk.export_action.trigger()
    answer_file_dialog(qtbot, target)
    qtbot.waitUntil(target.exists, timeout=10000)
    cells = {str(c.value) for row in load_workbook(target).active.iter_rows() for c in row if c.value}
    assert {first.number, second.number} <= cells
    # A nurse is told, and no dialog opens.
    log_in_as(qtbot, station, NURSE, Role.NURSE)
    desk.export_action.trigger()
    qtbot.waitUntil(lambda: _message_box() is not None, timeout=5000)
    assert dialog_of(QFileDialog) is None
    _message_box().accept()


# ---- a card by hand -----------------------------------------------------------------------------------
def test_a_card_by_hand_names_what_is_missing_then_opens_in_the_editor(qtbot, station: Station) -> None:
    clock = Clock(DIAGNOSED + timedelta(hours=3))
    desk = make_desk(qtbot, station, clock)
    desk.start()
    dialog = desk.new_by_hand()
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name, timeout=5000)
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.problem.text() == tr("{label}: required.", label=tr(FIELD_LABELS["name"]))
    QTest.keyClicks(dialog.name, "Liu Yang")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert tr(FIELD_LABELS["sex"]) in dialog.problem.text() and QApplication.focusWidget() is dialog.sex
    QTest.keyClicks(dialog.sex, "2")
    type_into(dialog.age, "in May")
    QTest.keyClick(dialog.age, Qt.Key.Key_Return)
    assert (
        tr(FIELD_LABELS["birth_date"]) in dialog.problem.text() and QApplication.focusWidget() is dialog.age
    )
    dialog.age.clear()
    type_into(dialog.age, "8")
    type_into(dialog.phone, "13712345678")
    dialog.address.setText("湖北省襄阳市樊城区米公街道幸福村1号")  # keyClicks sends ASCII only
    dialog.address.setFocus()
    assert dialog.name.text() == "Liu Yang"  # nothing typed was lost by the refusals
    with qtbot.waitSignal(dialog.created, timeout=10000) as created:
        QTest.keyClick(dialog.address, Qt.Key.Key_Return)
    card = created.args[0]
    qtbot.waitUntil(lambda: desk.editor is not None and desk.editor.card.id == card.id, timeout=5000)
    made = stored(qtbot, station, card.id)
    assert (made.name, made.sex.value, made.age.value, made.diagnosed_at) == (
        "Liu Yang",
        "female",
        8,
        clock.moment,
    )
    assert made.address.township == "米公街道" and made.created_by == DOCTOR
    # On the clock at once (made 'now': 120 minutes left); under 14: the parent's name is asked for.
    qtbot.waitUntil(lambda: any(row.card.id == card.id for row in desk.clock.rows), timeout=5000)
    editor = desk.editor
    type_into(editor.crowd, "02")
    type_into(editor.belongs, "1")
    type_into(editor.fields["id_number"], ID_CHILD)
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tr(FIELD_LABELS["onset_date"]) in editor.problem.text()
    assert QApplication.focusWidget() is editor.onset
    QTest.keyClicks(editor.onset, "2020-01-30")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tr(FIELD_LABELS["guardian_name"]) in editor.problem.text()  # an 8-year-old: the parent's name
    assert QApplication.focusWidget() is editor.fields["guardian_name"]
    QTest.keyClicks(editor.fields["guardian_name"], "Liu Qiang")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    done = stored(qtbot, station, card.id)
    assert (done.guardian_name, done.occupation, done.completed_by) == (
        "Liu Qiang",
        "scattered_child",
        DOCTOR,
    )
    desk.stop()
