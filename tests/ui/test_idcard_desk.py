"""The ID card reader in the real desk window: a simulated reader on a real pty, read through pyserial by
the desk's own controller, fills the form in front of the user."""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from db.engine import make_engine
from devices.idcard.simulator import SAMPLE_CARDS, CardResponder, card_pty
from devices.simulator import PtySimulator
from fever_desk.accounts import Operator, Role
from fever_desk.documents import DocumentType
from fever_desk.model import Sex
from tests.ui.conftest import Desk

WANG, AYGUL, LI, CHEN = SAMPLE_CARDS  # CHEN's card expired on 2021-08-20


@pytest.fixture
def reader(desk: Desk) -> Iterator[tuple[PtySimulator, CardResponder]]:
    """A reader on a pty, configured as clinic IT would, with a nurse logged in."""
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    window = desk.window
    window.station.operator = Operator(uuid.uuid4(), "nurse.wang", "王护士", Role.NURSE)
    new = copy.deepcopy(window.settings)
    new.idcard_protocol, new.idcard_port = "ga467", sim.path
    window.card_reader.start(window.settings)  # what run_gui does once the screens exist: no reader yet
    window.apply_settings(new)
    try:
        yield sim, responder
    finally:
        window.card_reader.stop()
        sim.unplug()


def _place(qtbot, desk: Desk, responder: CardResponder, card, timeout: int = 5000) -> None:
    reader = desk.window.card_reader
    qtbot.waitUntil(lambda: reader.status_widget.state in ("connected", "hint"), timeout=5000)
    responder.present(card)


def _views(desk: Desk) -> list[tuple[str, str, str]]:
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT record_kind, record_id, detail FROM audit_log WHERE action = 'view_full_id'")
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_card_on_the_reader_fills_the_screening_form_marked_and_logged(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    form = desk.window.form
    record_id = str(form.record_id)
    _place(qtbot, desk, responder, WANG)
    qtbot.waitUntil(lambda: form.name.text() == WANG.name, timeout=5000)
    assert form.sex.value() is Sex.MALE
    assert form.age.text() == "1990-03-07"
    assert form.id_number.text() == WANG.id_number
    assert form.address.text() == WANG.address
    filler = desk.window.card_reader.filler(form)
    assert filler is not None and filler.marked == {"name", "sex", "birth", "id_number", "address"}
    assert form.name.toolTip() == "来自身份证"
    assert filler.note.isVisible() and "身份证" in filler.note.text()
    assert desk.window.card_reader.status_widget.text() == "● 已读卡：王*明"
    views = _views(desk)
    assert views == [("screening", record_id, "read from ID card")]
    assert all(WANG.id_number not in row[2] and WANG.name not in row[2] for row in views)

    # The nurse corrects the address by hand: that field is hers now, the others are still the card's.
    form.address.setFocus()
    QTest.keyClicks(form.address, " 2F")
    assert form.address.toolTip() == "" and not form.address.property("from_id_card")
    assert filler.marked == {"name", "sex", "birth", "id_number"}
    form.clear()
    assert filler.marked == frozenset() and not filler.note.isVisible()


def test_a_card_never_overwrites_typed_details_without_asking(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    form, controller = desk.window.form, desk.window.card_reader
    form.name.setFocus()
    QTest.keyClicks(form.name, "Zhou Min")
    QTest.keyClicks(form.age, "34")
    _place(qtbot, desk, responder, AYGUL)
    qtbot.waitUntil(lambda: controller.question is not None and controller.question.isVisible(), timeout=5000)
    question = controller.question
    assert "姓名" in question.text() and "年龄或出生日期" in question.text()
    assert form.name.text() == "Zhou Min"  # nothing replaced while the question is open
    QTest.keyClick(question, Qt.Key.Key_Escape)  # Esc (and Enter) keep what was typed
    qtbot.waitUntil(lambda: controller.question is None, timeout=2000)
    assert form.name.text() == "Zhou Min" and form.age.text() == "34"
    assert _views(desk) == []  # not shown, not logged

    responder.remove()  # taken off and put back: a new presentation, which the reader reports anew
    finds = responder.finds
    qtbot.waitUntil(lambda: responder.finds > finds + 1, timeout=3000)
    responder.present(AYGUL)
    qtbot.waitUntil(lambda: controller.question is not None and controller.question.isVisible(), timeout=5000)
    replace = next(b for b in controller.question.buttons() if "替换" in b.text())
    replace.click()
    qtbot.waitUntil(lambda: form.name.text() == AYGUL.name, timeout=5000)
    assert form.age.text() == "1985-11-20" and form.sex.value() is Sex.FEMALE
    assert len(_views(desk)) == 1


def test_an_expired_card_fills_the_pharmacy_form_with_a_note(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    window = desk.window
    window.station.operator = Operator(uuid.uuid4(), "zhang", "张药师", Role.PHARMACIST)
    window.tabs.setCurrentWidget(window.pharmacy)
    form = window.pharmacy.form
    form.document_type.setCurrentIndex(form.document_type.findData(DocumentType.PASSPORT))
    _place(qtbot, desk, responder, CHEN)
    qtbot.waitUntil(lambda: form.name.text() == CHEN.name, timeout=5000)
    assert form.id_number.text() == CHEN.id_number and form.address.text() == CHEN.address
    assert form.document_type.currentData() == DocumentType.RESIDENT_ID
    note = window.card_reader.filler(form).note
    assert note.isVisible() and "2021-08-20" in note.text() and "过期" in note.text()
    assert _views(desk)[0][0] == "purchase"
    assert _views(desk)[0][2] == "read from ID card (expired card)"


def test_without_a_logged_in_operator_a_card_fills_nothing(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    """The full-ID rule of the lists: only a role allowed full-ID views (every role today, nobody logged
    out) gets the card's number on screen."""
    _sim, responder = reader
    desk.window.station.operator = None
    _place(qtbot, desk, responder, LI)
    controller = desk.window.card_reader
    qtbot.waitUntil(lambda: "无权读取身份证" in controller.status_widget.text(), timeout=5000)
    assert desk.window.form.name.text() == "" and _views(desk) == []


def test_unplug_and_replug_show_in_the_status_bar_and_close_joins_the_thread(
    qtbot, desk: Desk, tmp_path: Path
) -> None:
    window = desk.window
    window.station.operator = Operator(uuid.uuid4(), "nurse.wang", "王护士", Role.NURSE)
    link = tmp_path / "ttyIDCARD"
    first, _ = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    link.symlink_to(first.path)
    new = copy.deepcopy(window.settings)
    new.idcard_protocol, new.idcard_port = "ga467", str(link)
    window.card_reader.start(window.settings)
    window.apply_settings(new)
    status = window.card_reader.status_widget
    second: PtySimulator | None = None
    try:
        qtbot.waitUntil(lambda: status.state == "connected", timeout=5000)
        first.unplug()
        link.unlink()
        qtbot.waitUntil(lambda: status.state == "no_device", timeout=5000)
        assert "读卡器" in status.text()
        second, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
        link.symlink_to(second.path)
        qtbot.waitUntil(lambda: status.state == "connected", timeout=5000)
        responder.present(WANG)
        qtbot.waitUntil(lambda: window.form.name.text() == WANG.name, timeout=5000)
    finally:
        window.close()
        if second is not None:
            second.unplug()
    # A window closed while its worker is busy (the card's audit entry, the report cards' clock) closes
    # by itself once the work in hand is done: wait for that, then the reader must be stopped and joined.
    qtbot.waitUntil(lambda: not window.card_reader.bridge.active, timeout=10000)
    assert not [t for t in threading.enumerate() if t.name.startswith("idcard-")]
    assert QApplication.activeModalWidget() is None or not isinstance(
        QApplication.activeModalWidget(), QMessageBox
    )


def test_with_buying_for_someone_else_open_the_next_card_fills_that_person(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    window = desk.window
    window.station.operator = Operator(uuid.uuid4(), "zhang", "张药师", Role.PHARMACIST)
    window.tabs.setCurrentWidget(window.pharmacy)
    form = window.pharmacy.form
    _place(qtbot, desk, responder, WANG)  # the buyer's own card first
    qtbot.waitUntil(lambda: form.id_number.text() == WANG.id_number, timeout=5000)
    responder.remove()
    finds = responder.finds
    qtbot.waitUntil(lambda: responder.finds > finds + 1, timeout=3000)
    form.for_other.setChecked(True)  # then the card of the person the medicine is for
    responder.present(LI)
    qtbot.waitUntil(lambda: form.other_name.text() == LI.name, timeout=5000)
    assert form.other_id_number.text() == LI.id_number
    assert (form.name.text(), form.id_number.text()) == (WANG.name, WANG.id_number)
    assert form.other_name.property("from_id_card") and form.name.property("from_id_card")
    details = [row[2] for row in _views(desk)]
    assert details == ["read from ID card", "read from ID card; the person bought for"]


def test_a_failed_read_is_a_hint_beside_the_thermometer_and_fills_nothing(
    qtbot, desk: Desk, reader: tuple[PtySimulator, CardResponder]
) -> None:
    _sim, responder = reader
    window = desk.window
    status = window.card_reader.status_widget
    qtbot.waitUntil(lambda: status.state == "connected", timeout=5000)
    assert status.isVisible() and window.devices.status_widget.isVisible()
    assert status.parent() is window.devices.status_widget.parent()  # both in the status bar
    responder.fail_next_reads(1000)  # held askew: every read fails
    responder.present(WANG)
    qtbot.waitUntil(lambda: status.text().startswith("● 读卡失败："), timeout=5000)
    assert window.form.name.text() == "" and _views(desk) == []
