"""Today's purchases at this pharmacy, with the day's figures and a search box.

The rows come from the database: the whole day when the list is loaded (``ui.desk.widgets.day_list``),
and after a save on this counter the stored purchase, inserted on top by the model (``beginInsertRows``)
rather than by rebuilding the table, so a save costs the same at the 1,000th purchaser as at the first.
Numbers are masked in the list: the counter screen is visible to the queue, the export is not.  The rows
are light (:class:`fever_desk.day_lines.PurchaseLine`, masked when read); a saved purchase is shown as the
same line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from fever_desk.day_lines import PurchaseLine
from fever_desk.i18n import tr
from fever_desk.pharmacy import Advice, Purchase
from ui.desk.widgets.day_table import DayTableModel
from ui.desk.widgets.inputs import on_typing_pause, read_only_rows

if TYPE_CHECKING:  # SQLAlchemy loads on the database worker, not while the window opens
    from db.pharmacy_repository import PurchaseCounts


_ALARM = QColor("#b00020")


class PurchaseTableModel(DayTableModel):
    COLUMNS = ("Time", "Name", "Document number", "Phone", "°C", "Medicines")

    def __init__(self) -> None:
        super().__init__()
        self._alarm = QBrush(_ALARM)

    def style(self, record: PurchaseLine, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and record.advice is Advice.FEVER_CLINIC:
            return self._alarm
        return None

    def text(self, purchase: PurchaseLine, column: int) -> str:
        match column:
            case 0:
                return purchase.created_at.astimezone().strftime("%H:%M") if purchase.created_at else ""
            case 1:
                return purchase.name
            case 2:
                return purchase.id_masked
            case 3:
                return purchase.phone_masked
            case 4:
                return f"{purchase.temperature_c:.1f}"
            case 5:
                return purchase.medicines
        return ""


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
        self.model = PurchaseTableModel()
        self.table = QTableView(self)
        self.table.setObjectName("purchase_table")
        self.table.setModel(self.model)
        read_only_rows(self.table)
        layout.addWidget(self.counts)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        self._counts: PurchaseCounts | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Search today's purchases: name, phone or ID"))
        self.model.retranslate()
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

    @property
    def rows(self) -> list[PurchaseLine]:
        return self.model.rows

    def set_rows(self, rows: Sequence[PurchaseLine]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()  # a whole day loaded: fit the columns once, not per save

    def upsert(self, purchase: Purchase, limit: int) -> None:
        self.model.upsert(PurchaseLine.of(purchase), limit)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
