"""The screening desk as a nurse uses it: keyboard in, outcome and saved row out."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import text

from db.engine import make_engine
from fever_desk.model import Disposition, TemperatureSource
from tests.ui.conftest import Desk
from tests.ui.rows import open_first_row

Key = Qt.Key


def type_chinese(widget: QLineEdit, text_: str) -> None:
    """Commit Chinese text the way an input method does (keyClicks is ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text_)
    QApplication.sendEvent(widget, event)


def saved_rows(desk: Desk) -> list[dict]:
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM screening"))]
    engine.dispose()
    return rows


def test_routine_screening_takes_at_most_eight_keys(desk: Desk, qtbot) -> None:
    kb, form = desk.keyboard, desk.window.form
    kb.type("Wang Fang")  # name
    kb.key(Key.Key_Tab)
    kb.key(Key.Key_2)  # sex: female
    kb.key(Key.Key_Tab)
    kb.type("34")  # age
    kb.key(Key.Key_Tab)
    kb.type("13912345678")  # phone
    kb.key(Key.Key_Tab)
    kb.type("36.5")  # temperature
    kb.key(Key.Key_F8)  # the nurse has asked every question: all remaining "no"
    with qtbot.waitSignal(desk.window.saved, timeout=10000) as saved:
        kb.key(Key.Key_Return)
    assert len(kb.presses) <= 8, kb.presses
    screening = saved.args[0]
    assert screening.outcome.disposition is Disposition.ROUTINE
    rows = saved_rows(desk)
    assert len(rows) == 1
    assert rows[0]["name"] == "Wang Fang" and rows[0]["phone"] == "13912345678"
    assert rows[0]["temperature_source"] == TemperatureSource.MANUAL.value
    # Ready for the next patient, with the last outcome still shown.
    assert form.name.text() == "" and QApplication.focusWidget() is form.name
    assert "普通门诊" in form.outcome.headline.text()


def test_fever_patient_in_chinese_appears_in_todays_list(desk: Desk, qtbot) -> None:
    window, form = desk.window, desk.window.form
    type_chinese(form.name, "张三")
    form.sex.setFocus()
    kb = desk.keyboard
    kb.key(Key.Key_1)
    form.age.setFocus()
    kb.type("62")
    form.phone.setFocus()
    kb.type("13812345678")
    form.temperature.setFocus()
    kb.type("38.4")
    type_chinese(form.address, "兰溪镇新桥村")
    form.onset.setFocus()
    kb.type(date.today().isoformat())
    first_symptom = form.questionnaire.focus_chain()[0]
    first_symptom.setFocus()
    kb.key(Key.Key_Y)
    kb.key(Key.Key_F8)
    assert "发热门诊" in form.outcome.headline.text()
    assert "38.4" in form.outcome.reasons.text()
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Key.Key_Return)
    table = window.today.model
    assert table.rowCount() == 1
    assert table.data(table.index(0, 1), Qt.ItemDataRole.DisplayRole) == "张三"
    assert table.data(table.index(0, 6), Qt.ItemDataRole.DisplayRole) == "138****5678"
    assert "发热 1 人" in window.today.counts_label.text()
    row = saved_rows(desk)[0]
    assert row["address"] == "兰溪镇新桥村" and row["disposition"] == Disposition.FEVER_CLINIC.value


def test_bad_input_is_explained_and_nothing_typed_is_lost(desk: Desk, qtbot) -> None:
    form, kb = desk.window.form, desk.keyboard
    kb.type("Li Si")
    form.age.setFocus()
    kb.type("230")
    form.phone.setFocus()
    kb.type("555")
    form.temperature.setFocus()
    kb.type("45.5")
    kb.key(Key.Key_Return)
    errors = {k: lbl.text() for k, lbl in form._errors.items() if lbl.isVisible()}
    assert set(errors) >= {"sex", "age", "phone", "temperature"}
    assert "请" in errors["sex"] or "性别" in errors["sex"]
    assert "45.5" in errors["temperature"]
    assert form.questions_error.isVisible()
    assert (form.name.text(), form.age.text(), form.phone.text(), form.temperature.text()) == (
        "Li Si",
        "230",
        "555",
        "45.5",
    )
    assert saved_rows(desk) == []
    # The first problem gets the focus, so the nurse can fix it straight away.
    assert QApplication.focusWidget() is form.sex


def test_escape_clears_only_after_confirmation(desk: Desk) -> None:
    form, kb = desk.window.form, desk.keyboard
    kb.type("Zhao")
    kb.key(Key.Key_Escape)
    assert form.name.text() == "Zhao" and form.confirm_bar.isVisible()
    kb.type("Liu")
    assert form.name.text() == "ZhaoLiu" and not form.confirm_bar.isVisible()
    kb.key(Key.Key_Escape)
    kb.key(Key.Key_Escape)
    assert form.name.text() == ""


def test_switching_to_english_keeps_the_form(desk: Desk) -> None:
    window, form = desk.window, desk.window.form
    form.name.setText("Chen")
    assert window.today.title.text() == "今日筛查"
    new = window.settings
    new.language = "en"
    window.apply_settings(new)
    assert window.today.title.text() == "Today's screenings"
    assert form.save_button.text() == "Save (Enter)"
    assert form.name.text() == "Chen"


def test_correction_keeps_the_earlier_version(desk: Desk, qtbot) -> None:
    window, form, kb = desk.window, desk.window.form, desk.keyboard
    kb.type("Sun Li")
    form.sex.setFocus()
    kb.key(Key.Key_1)
    form.age.setFocus()
    kb.type("40")
    form.phone.setFocus()
    kb.type("13700000001")
    form.temperature.setFocus()
    kb.type("36.8")
    kb.key(Key.Key_F8)
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Key.Key_Return)
    saved = open_first_row(qtbot, window.today)  # as a nurse does: double-click, the record loads
    assert form.editing is not None and form.editing.id == saved.id
    assert form.correction_bar.isVisible()
    form.age.setText("41")
    kb.key(Key.Key_Return)  # no reason yet: refused, nothing lost
    assert form.questions_error.isVisible() and form.age.text() == "41"
    form.correction_reason.setFocus()
    kb.type("age misheard")
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Key.Key_Return)
    rows = saved_rows(desk)
    assert len(rows) == 1 and rows[0]["age"] == 41 and rows[0]["version"] == 2
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT replaced_by, reason FROM screening_revision")).one()
    engine.dispose()
    assert tuple(revision) == ("李护士", "age misheard")
