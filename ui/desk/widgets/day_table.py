"""The table model behind a counter's day list (today's screenings, today's purchases).

Both lists show a day newest first, insert the row a save returns on top (``beginInsertRows``) instead of
rebuilding the table, and keep each row's texts, made once when the row arrives (and again on a language
change): the view asks for them on every paint and header resize, and formatting dates and masks each
time was most of the GUI thread's work in a long day.  A feature's model names its ``COLUMNS`` and says
how a record reads (:meth:`DayTableModel.text`) and looks (:meth:`DayTableModel.style`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from fever_desk.i18n import tr


class DayTableModel(QAbstractTableModel):
    """Rows are stored records with an ``id``; ``UserRole`` gives a row's record."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []
        self._texts: list[tuple[str, ...]] = []

    def text(self, record: Any, column: int) -> str:
        raise NotImplementedError

    def style(self, record: Any, role: int) -> object:
        """A role other than text (a colour) for ``record``'s row, or None."""
        return None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts = [self._row_texts(record) for record in self.rows]
        self.endResetModel()

    def upsert(self, record: Any, limit: int) -> None:
        """Show one stored record: replace its row (a correction), else insert it on top, dropping the
        oldest row beyond ``limit``.  Views keep their selection and scroll position."""
        for row, shown in enumerate(self.rows):
            if shown.id == record.id:
                self.rows[row] = record
                self._texts[row] = self._row_texts(record)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, record)
        self._texts.insert(0, self._row_texts(record))
        self.endInsertRows()
        if len(self.rows) > limit:
            self.beginRemoveRows(QModelIndex(), limit, len(self.rows) - 1)
            del self.rows[limit:]
            del self._texts[limit:]
            self.endRemoveRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        record = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return record
        return self.style(record, role)

    def _row_texts(self, record: Any) -> tuple[str, ...]:
        return tuple(self.text(record, column) for column in range(len(self.COLUMNS)))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        self._texts = [self._row_texts(record) for record in self.rows]
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))
