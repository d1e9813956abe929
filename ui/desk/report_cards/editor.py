"""The doctor's card editor: what the station filled in, shown; what only the doctor knows, to complete.

Keyboard-first: the focus starts on the first field still empty, Tab walks the fields, each choice list
answers its number typed (``03`` 学生, ``2`` 临床诊断病例), Ctrl+S saves, Ctrl+R marks the card reported,
Ctrl+K makes a correction, Ctrl+P saves the A4 PDF.  A save runs the card rules first
(``fever_desk.report_card``): the first field missing or wrong is named in the message, its own line
turns red and the focus goes to it; nothing typed is cleared by a failed check or a failed save.  Esc on
an edited card asks once; a second Esc closes without saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.report_card.card import ReportCard
from ui.desk.report_cards import cards_api as api
from ui.desk.runtime.refocus import Refocus
from ui.desk.station import Station
from ui.desk.widgets.field_rows import ERROR_STYLE


def choice_box(parent: QWidget, name: str, choices: Sequence[tuple[str, str]], *, empty: bool) -> QComboBox:
    """A list whose items start with their number, so typing the number picks the item."""
    box = QComboBox(parent)
    box.setObjectName(name)
    if empty:
        box.addItem(tr("(choose)"), "")
    width = len(str(len(choices)))
    for index, (value, label) in enumerate(choices, start=1):
        box.addItem(f"{index:0{width}d} {label}", value)
    return box


class CardEditor(QDialog):
    """One card: its details, the doctor's fields, its history, and what can be done with it."""

    saved = Signal(object)  # the card as stored
    mark_requested = Signal(object)
    correct_requested = Signal(object)
    pdf_requested = Signal(object)

    def __init__(
        self,
        station: Station,
        card: ReportCard,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = api.local_now,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.card = card
        self.setObjectName("card_editor")
        self.setWindowTitle(tr("Report card"))
        self._esc_armed = False
        self._dirty = False
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setObjectName("card_header")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.known = QFormLayout()
        layout.addLayout(self.known)
        self.problem = QLabel(self)
        self.problem.setObjectName("card_problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        form = QFormLayout()
        layout.addLayout(form)
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.crowd = choice_box(self, "card_occupation", api.crowd_choices(), empty=True)
        self.belongs = choice_box(self, "card_belongs", api.belongs_choices(), empty=True)
        self.classification = choice_box(self, "card_case_class", api.classification_choices(), empty=True)
        widgets: list[tuple[str, QWidget]] = [
            ("occupation", self.crowd),
            ("belongs", self.belongs),
            ("work_unit", self._line("card_work_unit", 100)),
            ("case_class", self.classification),
            ("remarks", self._line("card_remarks", 500)),
            *[(level, self._line(f"card_{level}", 60)) for level in api.ADDRESS_LEVELS],
            ("onset_date", self._line("card_onset_date", 10)),
            ("id_number", self._line("card_id_number", 30)),
            ("phone", self._line("card_phone", 20)),
            ("guardian_name", self._line("card_guardian_name", 50)),
        ]
        for key, widget in widgets:
            label = QLabel(self)
            label.setBuddy(widget)
            form.addRow(label, widget)
            self.fields[key], self.labels[key] = widget, label
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._edited)
            elif isinstance(widget, QLineEdit):
                widget.textEdited.connect(self._edited)
        self.onset = self.fields["onset_date"]
        self.onset.setPlaceholderText("2020-01-28")  # type: ignore[attr-defined]
        self.history = QListWidget(self)
        self.history.setObjectName("card_history")
        self.history.setMaximumHeight(110)
        self.history_title = QLabel(self)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("card_save")
        self.mark_button = QPushButton(self)
        self.mark_button.setObjectName("card_mark_reported")
        self.correct_button = QPushButton(self)
        self.correct_button.setObjectName("card_correct")
        self.pdf_button = QPushButton(self)
        self.pdf_button.setObjectName("card_pdf")
        for button in (self.save_button, self.mark_button, self.correct_button, self.pdf_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab walks the fields; the keys act
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.mark_button.clicked.connect(lambda: self._request(self.mark_requested))
        self.correct_button.clicked.connect(lambda: self._request(self.correct_requested))
        self.pdf_button.clicked.connect(lambda: self._request(self.pdf_requested))
        for keys, slot in (
            ("Ctrl+S", self.save),
            ("Ctrl+R", lambda: self._request(self.mark_requested)),
            ("Ctrl+K", lambda: self._request(self.correct_requested)),
            ("Ctrl+P", lambda: self._request(self.pdf_requested)),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot)
        # Without a window manager nobody gives the keyboard back to the card when the "mark reported" or
        # "correction" dialog over it closes (ui.desk.runtime.refocus): the editor asks for it itself.
        self._refocus = Refocus(self)
        self.retranslate()
        self.show_card(card)
        self.load_history()

    def _line(self, name: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(max_length)
        return edit

    # ---- showing ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for key, label in self.labels.items():
            label.setText(api.field_label(key))
        self.history_title.setText(tr("History of this card"))
        self.save_button.setText(tr("Save (Ctrl+S)"))
        self.mark_button.setText(tr("Mark reported online… (Ctrl+R)"))
        self.correct_button.setText(tr("Correction… (Ctrl+K)"))
        self.pdf_button.setText(tr("A4 PDF… (Ctrl+P)"))

    def show_card(self, card: Any) -> None:
        """Fill the editor from ``card`` without touching what the doctor has typed since."""
        self.card = card
        self.header.setText(api.header_text(card))
        while self.known.rowCount():
            self.known.removeRow(0)
        for label, value in api.known_fields(card):
            shown = QLabel(value or "—", self)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.known.addRow(label, shown)
        if not self._dirty:
            self._fill(api.with_suggestion(card, api.station_of(self.station.settings)))
        reported = api.is_reported(card)
        self.mark_button.setEnabled(not reported)
        self.correct_button.setEnabled(api.may_correct(card))
        self.save_button.setEnabled(not reported)
        for widget in self.fields.values():
            widget.setEnabled(not reported)

    def _fill(self, card: Any) -> None:
        values = api.doctor_values(card)
        for key, widget in self.fields.items():
            value = values.get(key) or ""
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
        self._dirty = False
        self._focus_first_empty()

    def _focus_first_empty(self) -> None:
        for widget in self.fields.values():
            empty = widget.currentData() == "" if isinstance(widget, QComboBox) else not widget.text()
            if empty and widget.isEnabled():
                widget.setFocus()
                return
        self.crowd.setFocus()

    def load_history(self) -> None:
        card_id = self.card.id
        self.station.worker.submit(lambda ctx: api.history(ctx, card_id), self._show_history, self._failed)

    def _show_history(self, entries: Sequence[str]) -> None:
        if not shiboken6.isValid(self.history):
            return  # the editor was closed (and deleted) while the worker read the history
        self.history.clear()
        self.history.addItems(list(entries))

    # ---- saving -------------------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                out[key] = str(widget.currentData() or "")
            elif isinstance(widget, QLineEdit):
                out[key] = widget.text().strip()
        return out

    def save(self) -> None:
        """Check every required field first; the first problem names its field and takes the focus."""
        if not self.save_button.isEnabled():
            return
        values = self.values()
        order = list(self.fields)
        problems = sorted(
            api.problems(self.card, values), key=lambda p: order.index(p[0]) if p[0] in order else -1
        )
        if problems:
            self.show_problem(*problems[0])
            return
        self.show_problem(None, "")
        self.save_button.setEnabled(False)
        card_id, now, station = self.card.id, self.clock(), api.station_of(self.station.settings)
        self.station.perform(
            lambda ctx: api.complete(ctx, card_id, values, now, station),
            self._saved,
            self._save_failed,
            initiator=self,
        )

    def show_problem(self, key: str | None, message: str) -> None:
        for name, label in self.labels.items():
            label.setStyleSheet(ERROR_STYLE if name == key else "")
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        if key in self.fields:
            self.fields[key].setFocus()

    def _saved(self, result: Any) -> None:
        if not shiboken6.isValid(self.history):
            return
        card = api.card_of(result)
        self._dirty = False
        self.save_button.setEnabled(True)
        self.show_card(card)
        self.load_history()
        self.saved.emit(card)

    def _save_failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self.save_button):
            self.station.report(error)  # the editor is gone: the banner says it instead
            return
        self.save_button.setEnabled(True)
        self.show_problem(None, self.station.describe_error(error))

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self.problem):
            return
        self.show_problem(None, self.station.describe_error(error))

    def _request(self, signal: Any) -> None:
        button = {
            self.mark_requested: self.mark_button,
            self.correct_requested: self.correct_button,
            self.pdf_requested: self.pdf_button,
        }.get(signal)
        if button is not None and not button.isEnabled():
            return
        signal.emit(self.card)

    def showEvent(self, event: QShowEvent) -> None:
        """The keyboard lands on the first field still to complete as soon as the card is on screen."""
        super().showEvent(event)
        QTimer.singleShot(0, self._focus_first_empty)

    # ---- leaving ------------------------------------------------------------------------------------
    def _edited(self, *_args: object) -> None:
        self._dirty = True
        self._esc_armed = False

    def reject(self) -> None:
        """Esc: a card with unsaved changes asks once; the second Esc closes."""
        if self._dirty and not self._esc_armed:
            self._esc_armed = True
            self.show_problem(
                None, tr("Unsaved changes: press Esc again to close without saving, Ctrl+S to save.")
            )
            return
        super().reject()
