"""What the report-card desk tests share: the doctor and the nurse, an injected clock, a card made the
way the station makes one (a suspected screening saved through ``ui.services.screening.save_screening``),
the desk built around the strip, and ways to read what the doctor sees."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fever_desk.accounts import Operator, Role
from fever_desk.model import Disposition
from fever_desk.report_card.card import ReportCard
from tests.db.factories import make_screening
from ui.desk.report_cards.desk import CardDesk
from ui.desk.report_cards.editor import CardEditor
from ui.desk.station import Station
from ui.services import report_cards as service
from ui.services.audit_hooks import set_actor
from ui.services.screening import save_screening

DIAGNOSED = datetime(2020, 2, 1, 9, 0).astimezone()
DOCTOR, NURSE = "dr.zhang", "nurse.li"
ID_CHILD = "420606201201011234"  # any text: the card only requires one


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


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


def message_box() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[0] if boxes else None


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


def history(editor: CardEditor) -> list[str]:
    return [editor.history.item(i).text() for i in range(editor.history.count())]


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
