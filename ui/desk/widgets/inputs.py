"""Small keyboard-first input widgets for the counter.

A questionnaire item must be answered explicitly (no silent default), and a nurse answers dozens of
them an hour, so each item is one focus stop that takes a single key: Y/1 for yes, N/0 for no.  The
mouse works too.  An unanswered item is drawn in amber so that what is missing can be seen at a glance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from fever_desk.i18n import tr

# One style sheet for every choice field, set once on the top-level form: per-widget style sheets are
# parsed widget by widget and made the desk's start-up noticeably slower.
STYLE = """
ChoiceField[answered="false"] QPushButton { background: #fff3cd; }
ChoiceField:focus { border: 2px solid #1e6fd9; border-radius: 4px; }
"""


def set_style(widget: QWidget, sheet: str) -> None:
    """``widget.setStyleSheet(sheet)`` only when it differs: Qt re-polishes the widget and all its
    children on every call, even with the same text, and the panels restyled on each key typed made
    that a good part of the GUI thread's time over a day (``bench.bench_soak``)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def empty(edit: QLineEdit) -> None:
    """Empty a field for the next person, with a fresh undo history.

    ``QLineEdit.clear()`` is an edit like any other: Qt keeps it, and every key typed before it, in the
    field's undo history, which only ``setText`` resets.  A form cleared with ``clear()`` therefore let
    Ctrl+Z in the next patient's empty name field bring back the previous patient's name, and each field's
    history grew by every key typed all day (about 1.3 MiB per 1,000 screenings, found with heaptrack
    in ``bench.bench_soak``).  ``setText("")`` emits ``textChanged`` as ``clear()`` does, and neither
    emits ``textEdited``."""
    edit.setText("")


class ChoiceField(QWidget):
    """One focus stop holding one of a few values, each bound to keys (and clickable buttons)."""

    changed = Signal(object)

    def __init__(self, choices: Sequence[tuple[object, str, Sequence[int]]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._values = [c[0] for c in choices]
        self._keys = {key: c[0] for c in choices for key in c[2]}
        self._value: object | None = None
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        self._buttons: list[QPushButton] = []
        for index, (_value, label, _keys) in enumerate(choices):
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(44)
            self._group.addButton(button, index)
            layout.addWidget(button)
            self._buttons.append(button)
        layout.addStretch(1)
        self._group.idClicked.connect(self._clicked)
        self._refresh()

    def value(self) -> object | None:
        return self._value

    def set_value(self, value: object | None) -> None:
        if value is not None and value not in self._values:
            raise ValueError(value)
        if value == self._value:
            self._refresh()
            return
        self._value = value
        self._refresh()
        self.changed.emit(value)

    def set_labels(self, labels: Sequence[str]) -> None:
        for button, label in zip(self._buttons, labels, strict=True):
            button.setText(label)

    def _clicked(self, index: int) -> None:
        value = self._values[index]
        self.set_value(None if value == self._value else value)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def _refresh(self) -> None:
        for value, button in zip(self._values, self._buttons, strict=True):
            button.setChecked(value == self._value)
        answered = "false" if self._value is None else "true"
        if self.property("answered") != answered:
            self.setProperty("answered", answered)
            if not self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                return  # not drawn yet: the first polish will read the property
            self.style().unpolish(self)
            self.style().polish(self)
            for button in self._buttons:
                self.style().unpolish(button)
                self.style().polish(button)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            super().keyPressEvent(event)
            return
        if key in self._keys:
            self.set_value(self._keys[key])
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self._values:
            step = -1 if key == Qt.Key.Key_Left else 1
            index = self._values.index(self._value) + step if self._value in self._values else 0
            self.set_value(self._values[index % len(self._values)])
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
            return
        super().keyPressEvent(event)


_YES_KEYS = (Qt.Key.Key_Y, Qt.Key.Key_1)
_NO_KEYS = (Qt.Key.Key_N, Qt.Key.Key_0)


class YesNoField(ChoiceField):
    """An explicit yes or no; ``None`` until the nurse answers."""

    def __init__(self, yes: str, no: str, parent: QWidget | None = None):
        super().__init__([(True, yes, _YES_KEYS), (False, no, _NO_KEYS)], parent)


class ClearConfirmBar(QLabel):
    """Esc asks, a second Esc within five seconds clears the form; any other key keeps everything.

    A form full of a patient's answers must never vanish on one stray key, and a modal "are you sure?"
    would break the keyboard flow: this strip asks without taking the focus.
    """

    def __init__(self, form: QWidget, clear: Callable[[], None]) -> None:
        super().__init__(form)
        self.setObjectName("confirm_clear")
        self.setStyleSheet("background: #fff3cd; padding: 6px;")
        self.hide()
        self._clear = clear
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(5000)
        self._timer.timeout.connect(self.hide)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            form,
            self.escape,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.retranslate()

    def escape(self) -> None:
        if self.isVisible():
            self.hide()
            self._clear()
            return
        self.show()
        self._timer.start()

    def retranslate(self) -> None:
        self.setText(tr("Press Esc again to clear the form; any other key keeps it."))


def read_only_rows(table: QTableView, *, single: bool = False) -> None:
    """A list the user reads and picks whole rows from: no editing, no row numbers, last column stretched."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)


SEARCH_PAUSE_MS = 250


def on_typing_pause(edit: QLineEdit, fire: Callable[[], None], parent: QWidget) -> QTimer:
    """Call ``fire`` once the user stops typing in ``edit`` for a moment: one query, not one per key."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_PAUSE_MS)
    timer.timeout.connect(fire)
    edit.textChanged.connect(lambda _text: timer.start())
    return timer
