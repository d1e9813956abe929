"""Marking a card reported online, and a correction (订正报告): two short dialogs over the editor.

Marking records who (the operator logged in, shown, not typed), when (the moment the doctor confirms)
and the number the national system gave the card; the number is required and checked before anything
is sent.  A correction never overwrites: it makes a new card linked to the first, with the new
classification (疑似 → 确诊, 临床诊断, or 排除 when the case is excluded) and its reason.  Both run on the
worker through ``Station.perform``; the dialog closes only once the write is stored, and keeps what was
typed when it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.report_card.card import ReportCard
from ui.desk.report_cards import cards_api as api
from ui.desk.report_cards.editor import choice_box
from ui.desk.station import Station
from ui.desk.widgets.field_rows import ERROR_STYLE


class _CardDialog(QDialog):
    stored = Signal(object)  # the operation's result

    def __init__(
        self,
        station: Station,
        card: ReportCard,
        title: str,
        parent: QWidget | None,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.card = card
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.form.addRow(QLabel(api.header_text(card), self))
        self.problem = QLabel(self)
        self.problem.setObjectName("card_action_problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self, first: QWidget) -> None:
        self.first = first
        self.form.addRow(self.problem)
        self.form.addRow(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """The keyboard lands in the one field to type as soon as the dialog is on screen."""
        super().showEvent(event)
        QTimer.singleShot(0, self.first.setFocus)

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, operation: Any) -> None:
        self.buttons.setEnabled(False)
        self.station.perform(operation, self._done, self._failed, initiator=self)

    def refuse(self, widget: QWidget, message: str) -> None:
        self.problem.setText(message)
        widget.setFocus()

    def _done(self, result: Any) -> None:
        if not shiboken6.isValid(self.buttons):
            return  # closed meanwhile; the write is stored and the clock follows Station.changed
        self.stored.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self.buttons):
            self.station.report(error)
            return
        self.buttons.setEnabled(True)
        self.problem.setText(self.station.describe_error(error))


class MarkReportedDialog(_CardDialog):
    """The national system's number; who and when are the station's."""

    def __init__(
        self,
        station: Station,
        card: ReportCard,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = api.local_now,
    ) -> None:
        super().__init__(station, card, tr("Mark the card reported online"), parent, clock)
        self.setObjectName("card_mark_dialog")
        operator = station.operator
        who = operator.display_name or operator.username if operator is not None else ""
        self.form.addRow(tr("Reported by"), QLabel(who, self))
        self.number = QLineEdit(self)
        self.number.setObjectName("card_national_number")
        self.number.setMaxLength(40)
        self.form.addRow(tr("Number given by the national system"), self.number)
        self.finish_layout(self.number)

    def submit(self) -> None:
        number = self.number.text().strip()
        problem = api.national_number_problem(number)
        if problem:
            self.refuse(self.number, problem)
            return
        card_id, now = self.card.id, self.clock()
        self.run(lambda ctx: api.mark_reported(ctx, card_id, number, now))


class CorrectionDialog(_CardDialog):
    """The new classification and why; a new card linked to this one is made."""

    def __init__(
        self,
        station: Station,
        card: ReportCard,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = api.local_now,
    ) -> None:
        super().__init__(station, card, tr("Correction"), parent, clock)
        self.setObjectName("card_correction_dialog")
        self.to: QComboBox = choice_box(self, "card_correct_to", api.correction_choices(card), empty=True)
        self.form.addRow(tr("New classification"), self.to)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("card_correct_reason")
        self.reason.setMaxLength(200)
        self.form.addRow(tr("Reason"), self.reason)
        self.finish_layout(self.to)

    def submit(self) -> None:
        to, reason = str(self.to.currentData() or ""), self.reason.text().strip()
        if not to:
            self.refuse(self.to, tr("Choose the new classification."))
            return
        if not reason:
            self.refuse(self.reason, tr("Say why the card is corrected."))
            return
        card_id, now = self.card.id, self.clock()
        self.run(lambda ctx: api.correct(ctx, card_id, to, reason, now))
