"""The doctor's card editor on the desk: every missing field named and focused with nothing typed lost,
Esc, marking reported (who, when, the national number; on time at 1 h 59 min, late at 2 h 01 min), the
correction to 确诊 as a linked card, the card's A4 PDF and the day's XLSX read back, and a card by hand.
What is asserted is what the doctor sees and what the database holds afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from fever_desk.accounts import Role
from fever_desk.i18n import tr
from fever_desk.report_card.card import FIELD_LABELS
from fever_desk.report_card.fields import CardKind, CaseClass
from tests.pdf import pdf_text
from tests.ui.cards.support import (
    DIAGNOSED,
    DOCTOR,
    ID_CHILD,
    NURSE,
    Clock,
    answer_file_dialog,
    closed,
    completed_card,
    dialog_of,
    history,
    log_in_as,
    make_desk,
    message_box,
    on_worker,
    open_editor,
    stored,
    suspected_card,
    type_into,
)
from ui.desk.report_cards.actions import CorrectionDialog, MarkReportedDialog
from ui.desk.station import Station
from ui.services import report_cards as service


# ---- the editor ---------------------------------------------------------------------------------------
def test_the_editor_names_each_missing_field_focuses_it_and_loses_nothing(qtbot, station: Station) -> None:
    card = suspected_card(qtbot, station)
    clock = Clock(DIAGNOSED + timedelta(minutes=30))
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    desk.strip.focus_list()
    QTest.keyClick(desk.strip.list, Qt.Key.Key_Return)  # F12 then Enter: the most urgent card
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
    qtbot.waitUntil(lambda: "43012100001" in " ".join(history(editor)), timeout=5000)
    assert not editor.mark_button.isEnabled() and not editor.save_button.isEnabled()
    # 1 h 59 min is on time, 2 h 01 min late, and the history says so.
    assert (tr("reported after the 2 hours") in " ".join(history(editor))) is late
    desk.stop()


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
    qtbot.waitUntil(lambda: len(history(editor)) == 2, timeout=5000)
    assert first.number in history(editor)[0] and correction.number in history(editor)[1]
    desk.stop()


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
    qtbot.waitUntil(lambda: message_box() is not None, timeout=5000)
    assert dialog_of(QFileDialog) is None
    message_box().accept()


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
