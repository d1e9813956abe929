"""The "medicines bought" part of the pharmacy form: pick from the catalogue, add lines, several per visit.

Keyboard first: type the start of a name (the completer matches anywhere in it: "布洛" finds both
ibuprofen forms), Tab to the quantity, Enter adds the line and returns to the name for the next one.
Enter on an empty name is left to the form, where it saves.  A name not in the catalogue is allowed
(stock changes faster than catalogues) with the category chosen by hand.  Delete removes the selected
line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.drugs import Drug, find_barcode
from fever_desk.i18n import tr
from fever_desk.pharmacy import MAX_QUANTITY, DrugCategory, DrugDraft, category_label
from ui.desk.widgets.inputs import empty, read_only_rows


class _LinesTable(QTableWidget):
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class DrugLines(QWidget):
    changed = Signal()

    def __init__(self, catalogue: Sequence[Drug], parent: QWidget | None = None):
        super().__init__(parent)
        self._catalogue: dict[str, Drug] = {}
        self._lines: list[DrugDraft] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        entry = QHBoxLayout()
        self.drug = QLineEdit(self)
        self.drug.setObjectName("drug_name")
        self.drug.setMaxLength(60)
        self.completer = QCompleter(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.drug.setCompleter(self.completer)
        self.drug.textChanged.connect(self._name_changed)
        self.category = QComboBox(self)
        self.category.setObjectName("drug_category")
        self.category.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for category in DrugCategory:
            self.category.addItem("", category)
        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("drug_quantity")
        self.quantity.setRange(1, MAX_QUANTITY)
        self.add_button = QPushButton(self)
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.add_current)
        entry.addWidget(self.drug, 3)
        entry.addWidget(self.category, 1)
        entry.addWidget(self.quantity)
        entry.addWidget(self.add_button)
        layout.addLayout(entry)
        self.table = _LinesTable(0, 3, self)
        self.table.setObjectName("drug_lines")
        read_only_rows(self.table)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.setMaximumHeight(110)
        self.table.delete_pressed.connect(self.remove_selected)
        layout.addWidget(self.table)
        self.set_catalogue(catalogue)
        self.retranslate()

    def set_catalogue(self, catalogue: Sequence[Drug]) -> None:
        self._catalogue = {drug.name: drug for drug in catalogue}
        self.completer.setModel(QStringListModel(list(self._catalogue), self.completer))

    def retranslate(self) -> None:
        self.drug.setPlaceholderText(tr("medicine name (type to search the catalogue)"))
        for index, category in enumerate(DrugCategory):
            self.category.setItemText(index, category_label(category))
        self.add_button.setText(tr("Add (Enter)"))
        self.table.setHorizontalHeaderLabels([tr("Medicine"), tr("Category"), tr("Quantity")])
        self._render()

    def _name_changed(self, text: str) -> None:
        drug = self._catalogue.get(text.strip())
        if drug is not None:
            self.category.setCurrentIndex(list(DrugCategory).index(drug.category))

    def has_entry(self) -> bool:
        return bool(self.drug.text().strip())

    def entry_has_focus(self) -> bool:
        return self.drug.hasFocus() or self.quantity.hasFocus()

    def add_current(self) -> None:
        name = self.drug.text().strip()
        if not name:
            return
        known = self._catalogue.get(name)
        category = known.category if known else DrugCategory(self.category.currentData())
        unit = known.unit if known else "盒"
        self._lines.append(DrugDraft(name, category, str(self.quantity.value()), unit))
        empty(self.drug)
        self.quantity.setValue(1)
        self.drug.setFocus(Qt.FocusReason.OtherFocusReason)
        self._render()
        self.changed.emit()

    def add_drug(self, drug: Drug) -> None:
        """One box of ``drug`` (a scanned barcode): a new line, or one more on its line if it has one; what
        is typed in the entry stays."""
        for row, line in enumerate(self._lines):
            if line.name == drug.name and line.quantity.isdigit():
                self._lines[row] = replace(line, quantity=str(min(int(line.quantity) + 1, MAX_QUANTITY)))
                break
        else:
            self._lines.append(DrugDraft(drug.name, drug.category, "1", drug.unit))
        self._render()
        self.changed.emit()

    def find_barcode(self, code: str) -> Drug | None:
        return find_barcode(list(self._catalogue.values()), code)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self._lines[row]
        if rows:
            self._render()
            self.changed.emit()

    def drafts(self) -> list[DrugDraft]:
        """The added lines, plus the one still in the entry (typed but not yet added is not lost)."""
        pending = []
        if self.has_entry():
            name = self.drug.text().strip()
            known = self._catalogue.get(name)
            pending.append(
                DrugDraft(
                    name,
                    known.category if known else DrugCategory(self.category.currentData()),
                    str(self.quantity.value()),
                    known.unit if known else "盒",
                )
            )
        return [*self._lines, *pending]

    def lines(self) -> tuple[DrugDraft, ...]:
        """The added lines (not the entry), for keeping what was added during a slow save."""
        return tuple(self._lines)

    def set_lines(self, lines: object) -> None:
        """Add ``lines`` (from :meth:`lines`) after the ones there: the form was cleared before."""
        self._lines.extend(line for line in lines if isinstance(line, DrugDraft))  # type: ignore[union-attr]
        self._render()
        self.changed.emit()

    def line_count(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        self._lines.clear()
        empty(self.drug)
        self.quantity.setValue(1)
        self._render()

    def _render(self) -> None:
        self.table.setRowCount(len(self._lines))
        for row, line in enumerate(self._lines):
            values = (line.name, category_label(line.category), f"{line.quantity} {line.unit}")
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
