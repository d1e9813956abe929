"""Choose the days for the regulator's register (and whether to zip it), then the file; the file is written
on the worker.  The save dialog starts in the user's Documents every time (``export_privacy``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QWidget,
)

from fever_desk.i18n import tr
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.export_privacy import start_path, zip_checkbox


class ExportDialog(QDialog):
    """Two dates, today by default (the list goes out daily)."""

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Export the purchase register"))
        day = today or date.today()
        layout = QFormLayout(self)
        self.first = QDateEdit(QDate(day.year, day.month, day.day), self)
        self.first.setObjectName("export_from")
        self.last = QDateEdit(QDate(day.year, day.month, day.day), self)
        self.last.setObjectName("export_to")
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        layout.addRow(tr("From"), self.first)
        layout.addRow(tr("To"), self.last)
        self.zipped = zip_checkbox(self, "export_zip")
        layout.addRow(self.zipped)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def days(self) -> tuple[date, date]:
        first, last = self.first.date().toPython(), self.last.date().toPython()
        return (first, last) if first <= last else (last, first)


def ask_export(parent: QWidget, institution: str) -> tuple[date, date, str, bool] | None:
    """The days, the file name and whether to zip it, or None if the pharmacist cancelled either step."""
    dialog = ExportDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    first, last = dialog.days()
    suggested = f"药品购买登记_{institution or 'pharmacy'}_{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
    path, _ = file_dialogs.ask_save_path(
        parent,
        tr("Save the register"),
        start_path(suggested),
        tr("Excel workbook (*.xlsx);;CSV for Excel (*.csv);;PDF (*.pdf)"),
    )
    return (first, last, path, dialog.zipped.isChecked()) if path else None
