"""The ID card reader and the observation registration (#20): a simulated reader on a real pty, read through
pyserial by the desk's own controller, fills the by-hand registration dialog in front of the nurse, with the
same marks, expired note and ask-before-overwrite rule as the counters' forms."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from db.engine import make_engine
from devices.idcard.simulator import SAMPLE_CARDS, CardResponder, card_pty
from devices.simulator import PtySimulator
from fever_desk.accounts import Operator, Role
from fever_desk.identity import age_on
from fever_desk.model import Sex
from tests.ui.conftest import Desk

WANG, AYGUL, LI, CHEN = SAMPLE_CARDS  # CHEN's card expired on 2021-08-20
Key = Qt.Key


@pytest.fixture
def reader(desk: Desk) -> Iterator[tuple[PtySimulator, CardResponder]]:
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    window = desk.window
    window.station.operator = Operator(uuid.uuid4(), "nurse.wang", "王护士", Role.NURSE)
    new = copy.deepcopy(window.settings)
    new.idcard_protocol, new.idcard_port = "ga467", sim.path
    window.card_reader.start(window.settings)
    window.apply_settings(new)
    try:
        yield sim, responder
    finally:
        window.card_reader.stop()
        sim.unplug()


def _rows(desk: Desk, sql: str) -> list[tuple[Any, ...]]:
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        found = [tuple(row) for row in conn.execute(text(sql))]
    engine.dispose()
    return found


def _views(desk: Desk) -> list[tuple[Any, ...]]:
    return _rows(desk, "SELECT record_kind, record_id, detail FROM audit_log WHERE action = 'view_full_id'")


def _open_by_hand(desk: Desk, qtbot) -> Any:
    screen = desk.window.observation
    desk.keyboard.key(Key.Key_F4)
    qtbot.waitUntil(lambda: desk.window.tabs.currentWidget() is screen, timeout=5000)
    desk.keyboard.key(Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5000)
    dialog = screen.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.person_fields["name"], timeout=5000)
    return dialog


def _place(qtbot, desk: Desk, responder: CardResponder, card: Any) -> None:
    status = desk.window.card_reader.status_widget
    qtbot.waitUntil(lambda: status.state in ("connected", "hint"), timeout=5000)
    responder.present(card)


def test_a_card_fills_the_registration_by_hand_marked_logged_and_saved_under_the_logged_id(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    dialog = _open_by_hand(desk, qtbot)
    fields = dialog.person_fields
    _place(qtbot, desk, responder, WANG)
    qtbot.waitUntil(lambda: fields["name"].text() == WANG.name, timeout=5000)
    assert dialog.sex.value() is Sex.MALE
    assert fields["age"].text() == str(age_on(WANG.birth_date, date.today()))
    assert fields["id_number"].text() == WANG.id_number and fields["address"].text() == WANG.address
    assert fields["name"].toolTip() == "来自身份证" and fields["name"].property("from_id_card")
    filler = desk.window.card_reader.filler(dialog)
    assert filler is not None and filler.marked == {"name", "sex", "age", "id_number", "address"}
    assert filler.note.isVisible() and "身份证" in filler.note.text()
    assert desk.window.form.name.text() == ""  # the desk's form behind the dialog took nothing
    assert _views(desk) == [("observation", str(dialog.record_id), "read from ID card")]

    # The phone is not on a card: the nurse types it, and the rest of the registration, by keys.
    fields["phone"].setFocus()
    desk.keyboard.type("13700001234")
    dialog.kind.setFocus()
    desk.keyboard.key(Key.Key_2)
    dialog.last_date.setFocus()
    desk.keyboard.type((date.today() - timedelta(days=2)).isoformat())
    assert filler.marked == {"name", "sex", "age", "id_number", "address"}  # other fields leave the marks
    with qtbot.waitSignal(dialog.registered, timeout=10000):
        desk.keyboard.key(Key.Key_Return)
    saved = _rows(desk, "SELECT id, name, id_number, address, source FROM observation")
    assert len(saved) == 1
    assert saved[0][1:] == (WANG.name, WANG.id_number, WANG.address, "hand")
    assert uuid.UUID(str(saved[0][0])) == uuid.UUID(_views(desk)[0][1])  # the read and the record, together


def test_typed_details_are_kept_unless_replaced_and_an_expired_card_says_so(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    controller = desk.window.card_reader
    dialog = _open_by_hand(desk, qtbot)
    fields = dialog.person_fields
    desk.keyboard.type("Zhou Min")
    _place(qtbot, desk, responder, CHEN)
    qtbot.waitUntil(lambda: controller.question is not None and controller.question.isVisible(), timeout=5000)
    assert "姓名" in controller.question.text()
    QTest.keyClick(controller.question, Key.Key_Escape)  # Esc (and Enter) keep what was typed
    qtbot.waitUntil(lambda: controller.question is None, timeout=2000)
    assert fields["name"].text() == "Zhou Min" and fields["id_number"].text() == ""
    assert _views(desk) == []  # not shown, not logged
    assert dialog.isVisible()  # the answer closed the question, not the registration

    responder.remove()
    finds = responder.finds
    qtbot.waitUntil(lambda: responder.finds > finds + 1, timeout=3000)
    responder.present(CHEN)
    qtbot.waitUntil(lambda: controller.question is not None and controller.question.isVisible(), timeout=5000)
    next(b for b in controller.question.buttons() if "替换" in b.text()).click()
    qtbot.waitUntil(lambda: fields["name"].text() == CHEN.name, timeout=5000)
    note = controller.filler(dialog).note
    assert note.isVisible() and "2021-08-20" in note.text() and "过期" in note.text()
    assert _views(desk) == [("observation", str(dialog.record_id), "read from ID card (expired card)")]
    fields["name"].setFocus()
    QTest.keyClicks(fields["name"], "x")  # the nurse's change: that field is no longer the card's
    assert not fields["name"].property("from_id_card") and fields["name"].toolTip() == ""


def test_a_registration_from_a_saved_screening_takes_no_card(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    """F6 registers the person of the stored record; a card there would show someone else's details."""
    _sim, responder = reader
    kb, window = desk.keyboard, desk.window
    status = window.card_reader.status_widget
    qtbot.waitUntil(lambda: status.state == "connected", timeout=5000)  # the settings applied and settled
    window.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.form.name, timeout=5000)
    kb.routine_patient("Zhao Lei", sex=Key.Key_1, age="52", temperature="36.7")
    with qtbot.waitSignal(window.saved, timeout=10000):
        kb.key(Key.Key_Return)
    hook = window.observation_hooks[0]
    desk.keyboard.key(Key.Key_F6)
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
    _place(qtbot, desk, responder, LI)
    qtbot.waitUntil(lambda: "已保存的记录" in status.text(), timeout=5000)
    assert hook.dialog.person_fields["name"].text() == "Zhao Lei"
    assert window.form.name.text() == "" and _views(desk) == []
