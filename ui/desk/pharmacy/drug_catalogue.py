"""Edit the pharmacy's medicine catalogue: name, category, unit, barcode; saved beside the settings file.

The file is small and local (not the database), so it is read and written here on the GUI thread.  The
same strict loader that reads it checks it before it is written, and problems (an empty name, a name
listed twice, a barcode whose check digit is wrong) are shown in the dialog, which stays open with
everything typed.  The barcode column is what a scan at the counter looks up
(``ui/desk/pharmacy/scanner.py``); a scanner pointed at the box while the cursor is in that cell types the
code in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.barcode import barcode_problem
from fever_desk.drugs import CatalogueError, Drug, default_catalogue, save_catalogue
from fever_desk.i18n import tr
from fever_desk.pharmacy import DrugCategory, category_label


class DrugCatalogueDialog(QDialog):
    def __init__(self, drugs: Sequence[Drug], path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Medicine catalogue"))
        self.resize(560, 520)
        self.path = path
        self._saved: list[Drug] = list(drugs)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("catalogue_table")
        self.table.setHorizontalHeaderLabels([tr("Medicine"), tr("Category"), tr("Unit"), tr("Barcode")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 240)
        layout.addWidget(self.table, 1)
        row_buttons = QHBoxLayout()
        add = QPushButton(tr("Add medicine"), self)
        add.clicked.connect(lambda: self.add_row(Drug("", DrugCategory.ANTIPYRETIC), edit=True))
        remove = QPushButton(tr("Remove selected"), self)
        remove.clicked.connect(self.remove_selected)
        reset = QPushButton(tr("Restore the default list"), self)
        reset.clicked.connect(lambda: self.set_drugs(default_catalogue()))
        for button in (add, remove, reset):
            row_buttons.addWidget(button)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)
        self.error = QLabel(self)
        self.error.setObjectName("catalogue_error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.set_drugs(drugs)

    def set_drugs(self, drugs: Sequence[Drug]) -> None:
        self.table.setRowCount(0)
        for drug in drugs:
            self.add_row(drug)

    def add_row(self, drug: Drug, *, edit: bool = False) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(drug.name))
        combo = QComboBox(self.table)
        for category in DrugCategory:
            combo.addItem(category_label(category), category)
        combo.setCurrentIndex(list(DrugCategory).index(drug.category))
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(drug.unit))
        self.table.setItem(row, 3, QTableWidgetItem(drug.barcode))
        if edit:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def drugs(self) -> list[Drug]:
        found: list[Drug] = []
        for row in range(self.table.rowCount()):
            name_item, unit_item = self.table.item(row, 0), self.table.item(row, 2)
            combo = self.table.cellWidget(row, 1)
            name = name_item.text().strip() if name_item else ""
            unit = (unit_item.text().strip() if unit_item else "") or "盒"
            code_item = self.table.item(row, 3)
            barcode = code_item.text().strip() if code_item else ""
            if name:
                # Qt hands the StrEnum back as a plain str: without DrugCategory() the save failed.
                category = DrugCategory(combo.currentData())  # type: ignore[union-attr]
                found.append(Drug(name, category, unit, barcode))
        return found

    def barcode_problems(self, drugs: Sequence[Drug]) -> str:
        """The first wrong or repeated barcode, in the user's language ("" when all can be saved)."""
        seen: dict[str, str] = {}
        for drug in drugs:
            problem = barcode_problem(drug.barcode)
            if problem:
                return tr("{drug}: {problem}", drug=drug.name, problem=tr(problem))
            if drug.barcode and drug.barcode in seen:
                return tr(
                    "{drug} and {other} have the same barcode {code}.",
                    drug=drug.name,
                    other=seen[drug.barcode],
                    code=drug.barcode,
                )
            seen[drug.barcode] = drug.name
        return ""

    def save(self) -> None:
        drugs = self.drugs()
        if not drugs:
            self.error.setText(tr("The catalogue needs at least one medicine."))
            return
        problem = self.barcode_problems(drugs)
        if problem:
            self.error.setText(problem)
            return
        try:
            save_catalogue(drugs, self.path)
        except (CatalogueError, OSError) as exc:
            self.error.setText(tr("Not saved: {problem}", problem=exc))
            return
        self._saved = drugs
        self.accept()

    def saved_catalogue(self) -> list[Drug]:
        return list(self._saved)
