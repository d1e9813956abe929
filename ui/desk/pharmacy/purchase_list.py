"""Today's purchases at this pharmacy, with the day's figures and a search box.

The list is always reloaded from the database (never patched by hand), so it shows what is stored.
Numbers are masked in the list: the counter screen is visible to the queue, the export is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.identity import mask_id, mask_phone
from fever_desk.pharmacy import Advice, Purchase
from ui.desk.widgets.inputs import on_typing_pause, read_only_rows

if TYPE_CHECKING:  # SQLAlchemy loads on the database worker, not while the window opens
    from db.pharmacy_repository import PurchaseCounts


class PurchaseList(QWidget):
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.counts = QLabel(self)
        self.counts.setObjectName("purchase_counts")
        self.search = QLineEdit(self)
        self.search.setObjectName("purchase_search")
        self.search.setClearButtonEnabled(True)
        self._debounce = on_typing_pause(
            self.search, lambda: self.search_changed.emit(self.search.text()), self
        )
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("purchase_table")
        read_only_rows(self.table)
        layout.addWidget(self.counts)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        self.rows: list[Purchase] = []
        self._counts: PurchaseCounts | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Search today's purchases: name, phone or ID"))
        self.table.setHorizontalHeaderLabels(
            [tr("Time"), tr("Name"), tr("Document number"), tr("Phone"), tr("°C"), tr("Medicines")]
        )
        self.set_counts(self._counts)

    def set_counts(self, counts: PurchaseCounts | None) -> None:
        self._counts = counts
        if counts is None:
            self.counts.setText("")
            return
        self.counts.setText(
            tr(
                "Today: {total} purchasers · {fever} with fever · {epi} with exposure",
                total=counts.purchasers,
                fever=counts.with_fever,
                epi=counts.with_epi,
            )
        )

    def set_rows(self, rows: Sequence[Purchase]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for index, purchase in enumerate(self.rows):
            who = purchase.purchaser
            when = purchase.created_at.astimezone().strftime("%H:%M") if purchase.created_at else ""
            values = (
                when,
                who.name,
                mask_id(who.id_number),
                mask_phone(who.phone),
                f"{purchase.temperature.celsius:.1f}",
                "、".join(f"{d.name}×{d.quantity}" for d in purchase.drugs),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if purchase.advice is Advice.FEVER_CLINIC:
                    item.setForeground(QColor("#b00020"))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
