"""Today's screenings: a searchable list and the day's figures at a glance.

The list asks the database worker for rows; it never queries on the GUI thread.  Searching waits for a
short pause in typing so that a fast typist does not queue a query per key.  ID numbers and phones are
masked in the list: the people queueing behind the patient can see the screen.

The rows are light (:class:`fever_desk.day_lines.ScreeningLine`: the shown columns, numbers masked when
read); a double-clicked row asks for its whole record (``row_opened``), which the desk loads on the worker
and hands on as ``open_requested``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from fever_desk.day_lines import ScreeningLine
from fever_desk.i18n import current_language, tr
from fever_desk.model import DayCounts, Disposition, Screening
from fever_desk.triage import disposition_label
from ui.desk.widgets.day_table import DayTableModel
from ui.desk.widgets.inputs import on_typing_pause, read_only_rows

_ROW_COLOURS = {Disposition.FEVER_CLINIC: "#fff1e0", Disposition.SUSPECTED: "#fde7ea"}


class ScreeningTableModel(DayTableModel):
    COLUMNS = ("Time", "Name", "Sex", "Age", "Temp. °C", "Outcome", "Phone", "ID number")

    def __init__(self) -> None:
        super().__init__()
        self._brushes = {d: QBrush(QColor(colour)) for d, colour in _ROW_COLOURS.items()}

    def style(self, record: ScreeningLine, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and record.disposition is not None:
            return self._brushes.get(record.disposition)
        return None

    def text(self, s: ScreeningLine, column: int) -> str:
        match column:
            case 0:
                return s.created_at.astimezone().strftime("%H:%M") if s.created_at else ""
            case 1:
                return s.name
            case 2:
                return tr(s.sex.value.capitalize())
            case 3:
                return "" if s.age is None else str(s.age)
            case 4:
                return "" if s.temperature_c is None else f"{s.temperature_c:.1f}"
            case 5:
                return disposition_label(s.disposition, current_language()) if s.disposition else ""
            case 6:
                return s.phone_masked
            case 7:
                return s.id_masked
        return ""


class TodayList(QWidget):
    """Emits ``search_changed`` after a typing pause and ``row_opened`` (its line) for a double-clicked
    row; ``open_requested`` carries that row's whole screening once the desk has loaded it."""

    search_changed = Signal(str)
    row_opened = Signal(object)  # ScreeningLine
    open_requested = Signal(object)  # Screening

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.title)
        top.addWidget(self.search, 1)
        layout.addLayout(top)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("counts")
        layout.addWidget(self.counts_label)
        self.model = ScreeningTableModel()
        self.table = QTableView(self)
        self.table.setObjectName("today_table")
        self.table.setModel(self.model)
        read_only_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Fit the columns to the rows in view, not to the first thousand: otherwise every inserted row
        # made the header measure the whole list again, a cost that grew with the day.
        header.setResizeContentsPrecision(0)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        layout.addWidget(self.table, 1)
        self._debounce = on_typing_pause(
            self.search, lambda: self.search_changed.emit(self.search.text().strip()), self
        )
        self.counts: DayCounts | None = None
        self.retranslate()

    def _open(self, index: QModelIndex) -> None:
        self.row_opened.emit(self.model.rows[index.row()])

    def set_rows(self, rows: Sequence[ScreeningLine]) -> None:
        self.model.set_rows(rows)

    def upsert(self, screening: Screening, limit: int) -> None:
        self.model.upsert(ScreeningLine.of(screening), limit)

    def set_counts(self, counts: DayCounts) -> None:
        self.counts = counts
        self.counts_label.setText(
            tr(
                "Today: {screened} screened, {fever} with fever, {clinic} to the fever clinic, "
                "{suspected} suspected",
                screened=counts.screened,
                fever=counts.fever,
                clinic=counts.fever_clinic,
                suspected=counts.suspected,
            )
        )

    def retranslate(self) -> None:
        self.title.setText(tr("Today's screenings"))
        self.search.setPlaceholderText(tr("Search by name, phone or ID number"))
        self.model.retranslate()
        if self.counts is not None:
            self.set_counts(self.counts)
