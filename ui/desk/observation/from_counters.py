"""Register the person just seen at a counter for observation with one key (F6), from the desk's or the
pharmacy's screen.

A "yes" to a 14-day history question is how the counters find close contacts and returnees; until now
the station found them and forgot them.  F6 (or the button that names it) opens the registration with
the person's name, ID, phone and address taken over: from the row chosen in today's list when the list
has the keyboard, else from the record just saved.  The buttons are placed into the counters' side
columns from here, so the counters' own modules do not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QTableView, QWidget

from fever_desk.day_lines import PurchaseLine, ScreeningLine
from fever_desk.i18n import tr
from fever_desk.model import Person
from fever_desk.pharmacy import Purchase
from ui.desk.observation.register_checks import registered_text
from ui.desk.observation.register_dialog import Origin, RegisterDialog
from ui.desk.station import Station


def person_of(record: Any) -> Person:
    """The person a screening or a purchase is about, as the registration shows them."""
    if isinstance(record, Purchase):
        buyer = record.purchaser
        address = " ".join(part for part in (buyer.address, buyer.community) if part)
        return Person(
            name=buyer.name,
            sex=buyer.sex,
            birth_date=buyer.birth_date,
            id_number=buyer.id_number,
            phone=buyer.phone,
            address=address,
        )
    return record.person


class RegisterFromCounter(QObject):
    """F6 on ``screen``: register the chosen or last saved record (kind "screening" or "purchase")."""

    def __init__(
        self,
        station: Station,
        screen: QWidget,
        kind: str,
        table: QTableView,
        rows: Callable[[], list[Any]],
        anchor: QWidget,
    ) -> None:
        super().__init__(screen)
        self.station, self.screen, self.kind = station, screen, kind
        self.table, self.rows = table, rows
        self.last: Any = None
        self.dialog: RegisterDialog | None = None
        column = anchor.parentWidget()
        self.button = QPushButton(column)
        self.button.setObjectName(f"register_observation_{kind}")
        self.button.clicked.connect(self.register)
        column_layout = column.layout()
        if column_layout is not None:  # right under the outcome (desk) or the advice (pharmacy)
            column_layout.insertWidget(column_layout.indexOf(anchor) + 1, self.button)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F6), screen)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.register)
        self.shortcut = shortcut
        self.retranslate()

    def remember(self, record: Any) -> None:
        """The record just saved at the counter: what F6 registers unless a list row is chosen."""
        self.last = record
        self.retranslate()  # the previous registration's confirmation gives way

    def record(self) -> Any:
        if self.table.hasFocus():
            index = self.table.currentIndex()
            rows = self.rows()
            if index.isValid() and index.row() < len(rows):
                return rows[index.row()]
        return self.last

    def register(self) -> None:
        record = self.record()
        if record is None:
            self.station.problem.emit(
                tr("Save the record first (or choose a row of today's list), then F6 registers the person.")
            )
            return
        if isinstance(record, ScreeningLine | PurchaseLine):  # a list row holds only what it shows
            from ui.services.pharmacy import get_purchase
            from ui.services.screening import get_screening

            load = get_screening if isinstance(record, ScreeningLine) else get_purchase
            row_id = record.id
            self.station.worker.submit(lambda ctx: load(ctx, row_id), self._open, self.station.report)
            return
        self._open(record)

    def _open(self, record: Any) -> None:
        record_id: uuid.UUID = record.id
        dialog = RegisterDialog(
            self.station, Origin(self.kind, record_id), person_of(record), self.screen.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.registered.connect(self._registered)
        self.dialog = dialog
        dialog.open()

    def _registered(self, saved: Any) -> None:
        self.button.setText(registered_text(saved))

    def retranslate(self) -> None:
        self.button.setText(tr("Register for 14-day observation (F6)"))


def install_on_desk(station: Station, desk: Any) -> RegisterFromCounter:
    """On the pre-screening desk: below the outcome, for the screening just saved or the row chosen."""
    hook = RegisterFromCounter(
        station, desk, "screening", desk.today.table, lambda: desk.today.model.rows, desk.form.outcome
    )
    desk.saved.connect(hook.remember)
    desk.today.open_requested.connect(hook.remember)
    return hook


def install_on_pharmacy(station: Station, pharmacy: Any) -> RegisterFromCounter:
    """On the pharmacy register: under the advice, for the purchase just saved or the row chosen."""
    hook = RegisterFromCounter(
        station, pharmacy, "purchase", pharmacy.today.table, lambda: pharmacy.today.rows, pharmacy.advice
    )
    pharmacy.saved.connect(hook.remember)
    return hook
