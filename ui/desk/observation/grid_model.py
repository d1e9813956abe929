"""The 14-day grid's table: days 1–14 by morning/afternoon for one person's file, and a filled half-day
described in one line (temperature, its source, symptoms, who and when) for the grid and its history."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from fever_desk.i18n import tr
from fever_desk.model import TemperatureSource
from fever_desk.observation.model import SLOT_LABELS, SYMPTOMS, Cell, Slot
from fever_desk.observation.rules import OBSERVATION_DAYS, day_one
from ui.services import observation as ops

_ALERT = "#fde7ea"
SLOTS = (Slot.MORNING, Slot.AFTERNOON)
Index = QModelIndex | QPersistentModelIndex


def describe(cell: Cell) -> str:
    """A filled half-day in one line: temperature, symptoms, who and when (the grid cell, the history)."""
    entry = cell.entry
    parts = [f"{entry.temperature.celsius:.1f} °C" if entry.temperature is not None else "—"]
    if entry.temperature is not None and entry.temperature.source is TemperatureSource.DEVICE:
        parts.append(tr("(thermometer)"))
    said = [tr(SYMPTOMS.get(code, code)) for code, yes in entry.symptoms.items() if yes]
    if said:
        parts.append("、".join(said))
    when = cell.recorded_at.astimezone().strftime("%m-%d %H:%M")
    parts.append(f"— {cell.recorded_by} {when}")
    return " ".join(parts)


class GridModel(QAbstractTableModel):
    """Fourteen rows (days) by two columns (morning, afternoon) for the loaded file."""

    def __init__(self) -> None:
        super().__init__()
        self.file: ops.ObservationFile | None = None
        self._alert = QBrush(QColor(_ALERT))

    @property
    def first_day(self) -> date | None:
        return day_one(self.file.observation.exposure.last_date) if self.file is not None else None

    def set_file(self, file: ops.ObservationFile | None) -> None:
        self.beginResetModel()
        self.file = file
        self.endResetModel()

    def at(self, index: Index) -> tuple[date, Slot] | None:
        first = self.first_day
        if first is None or not index.isValid():
            return None
        return first + timedelta(days=index.row()), SLOTS[index.column()]

    def index_of(self, day: date, slot: Slot) -> QModelIndex:
        first = self.first_day
        if first is None:
            return QModelIndex()
        row = min(max((day - first).days, 0), OBSERVATION_DAYS - 1)
        return self.index(row, slot.index)

    def cell(self, index: Index) -> Cell | None:
        where = self.at(index)
        return self.file.cell(*where) if self.file is not None and where is not None else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.file is None else OBSERVATION_DAYS

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        cell = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return describe(cell) if cell is not None else ""
        if role == Qt.ItemDataRole.BackgroundRole and cell is not None and cell.alert:
            return self._alert
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None and cell.version > 1:
            return tr("Corrected: {reason}", reason=cell.reason)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(SLOT_LABELS[SLOTS[section]])
        first = self.first_day
        day = first + timedelta(days=section) if first is not None else None
        return tr("Day {n} {date}", n=section + 1, date=day.strftime("%m-%d") if day else "")
