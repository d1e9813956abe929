"""A report card made by hand, for a suspected case found elsewhere than at this desk (a ward, a phone call).

The dialog asks only what a screening would have given the card and the editor does not ask again: the
person (name, sex, birth date or age), the ID number, the phone, the address as written, the onset date.
The card is then stored (``ui.services.report_cards.create_card``, its clock running from now) and opened
in the editor, where the doctor completes it as any other card.  Name, sex and the age are checked
here, each refusal naming its field and putting the keyboard there; nothing typed is cleared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from fever_desk.i18n import tr
from fever_desk.model import Sex
from fever_desk.report_card.card import FIELD_LABELS, ReportCard
from fever_desk.report_card.fields import Age, AgeUnit, split_address
from ui.desk.report_cards import cards_api as api
from ui.desk.report_cards.editor import choice_box
from ui.desk.station import Station
from ui.desk.widgets.field_rows import ERROR_STYLE
from ui.services import report_cards as service

NEW_CARD_TITLE = "New report card by hand"
_AGE = re.compile(r"^\s*(\d{1,3})\s*$")


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


class HandCardDialog(QDialog):
    created = Signal(object)  # the stored ReportCard

    def __init__(
        self, station: Station, parent: QWidget | None = None, clock: Callable[[], datetime] = api.local_now
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.setObjectName("card_by_hand")
        self.setWindowTitle(tr(NEW_CARD_TITLE))
        form = QFormLayout(self)
        self.name = self._line("hand_name", 100)
        self.sex = choice_box(
            self, "hand_sex", [(Sex.MALE.value, tr("Male")), (Sex.FEMALE.value, tr("Female"))], empty=True
        )
        self.age = self._line("hand_age", 10)
        self.age.setPlaceholderText(tr("45 or 1980-05-03"))
        self.id_number = self._line("hand_id_number", 30)
        self.phone = self._line("hand_phone", 20)
        self.address = self._line("hand_address", 200)
        self.onset = self._line("hand_onset", 10)
        self.onset.setPlaceholderText("2020-01-28")
        self.fields: dict[str, QWidget] = {
            "name": self.name,
            "sex": self.sex,
            "birth_date": self.age,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "onset_date": self.onset,
        }
        for key, widget in self.fields.items():
            form.addRow(tr(FIELD_LABELS[key]), widget)
        self.problem = QLabel(self)
        self.problem.setObjectName("hand_problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _line(self, name: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(max_length)
        return edit

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.name.setFocus)

    def refuse(self, key: str, template: str = "{label}: required.") -> None:
        self.problem.setText(tr(template, label=tr(FIELD_LABELS[key])))
        self.fields[key].setFocus()

    def card(self, now: datetime) -> ReportCard | None:
        """The card as typed, or None after naming the first field that stops it."""
        name = self.name.text().strip()
        if not name:
            self.refuse("name")
            return None
        sex = str(self.sex.currentData() or "")
        if not sex:
            self.refuse("sex")
            return None
        text, birth, age = self.age.text().strip(), None, None
        if _AGE.match(text):
            age = Age(int(text), AgeUnit.YEARS)
        elif (birth := _date(text)) is None or birth > now.date():
            self.refuse("birth_date", "{label}: type the age in years or the birth date such as 1980-05-03.")
            return None
        onset = _date(self.onset.text()) if self.onset.text().strip() else None
        if self.onset.text().strip() and onset is None:
            self.refuse("onset_date", "{label}: write the date as 2020-01-28.")
            return None
        return ReportCard(
            diagnosed_at=now,
            name=name,
            sex=Sex(sex),
            id_number=self.id_number.text().strip(),
            birth_date=birth,
            age=age,
            phone=self.phone.text().strip(),
            address=split_address(self.address.text()),
            onset_date=onset,
            station_id=self.station.settings.station_id,
        )

    def submit(self) -> None:
        now = self.clock()
        card = self.card(now)
        if card is None:
            return
        self.problem.clear()
        self.buttons.setEnabled(False)
        self.station.perform(
            lambda ctx: service.create_card(ctx, card, now=now), self._created, self._failed, initiator=self
        )

    def _created(self, result: service.CardSaved) -> None:
        if not shiboken6.isValid(self.buttons):
            return  # closed meanwhile: the card is stored and on the clock
        self.created.emit(result.card)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self.buttons):
            self.station.report(error)
            return
        self.buttons.setEnabled(True)
        self.problem.setText(self.station.describe_error(error))
