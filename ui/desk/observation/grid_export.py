"""Ctrl+E on a person's grid: their 14-day grid as PDF (one A4 page, Chinese headers) or XLSX.

The file is written on the database worker by the same operation as ``fever-desk observation export``
(``ui.services.observation.export_grid``: 0600, marked as personal information, logged).  The save dialog
starts in the user's Documents every time and "Encrypted ZIP" is offered, as for every export that
leaves the station (``ui.desk.widgets.export_privacy``); only a role allowed to export may.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from fever_desk.i18n import tr
from fever_desk.privacy import Permission, Permissions
from ui.desk.observation.grid import GridScreen
from ui.desk.widgets.export_privacy import start_path, zip_checkbox
from ui.services import observation as ops


class GridExport(QObject):
    """The export button, its ZIP choice and the outcome line under the grid."""

    exported = Signal(object)  # the ExportedFile, once written

    def __init__(self, grid: GridScreen) -> None:
        super().__init__(grid)
        self.grid = grid
        self.password_dialog: QWidget | None = None
        row = QHBoxLayout()
        self.button = QPushButton(grid)
        self.button.setObjectName("grid_export")
        self.button.clicked.connect(self.ask)
        self.zipped = zip_checkbox(grid, "grid_export_zip")
        self.status = QLabel(grid)
        self.status.setObjectName("grid_export_status")
        self.status.setWordWrap(True)
        row.addWidget(self.button)
        row.addWidget(self.zipped)
        row.addWidget(self.status, 1)
        grid.layout().addLayout(row)  # type: ignore[union-attr]
        shortcut = QShortcut(QKeySequence("Ctrl+E"), grid)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.ask)
        self.retranslate()

    def allowed(self) -> bool:
        operator = self.grid.station.operator
        return operator is None or Permissions.for_role(operator.role).allows(Permission.EXPORT)

    def ask(self) -> None:
        file = self.grid.model.file
        if file is None:
            return
        if not self.allowed():
            self.status.setText(tr("Your role does not allow this."))
            return
        name = f"医学观察_{file.observation.person.name}_{file.observation.exposure.last_date:%Y%m%d}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self.grid,
            tr("Export the 14-day grid"),
            start_path(name),
            tr("PDF (*.pdf);;Excel workbook (*.xlsx)"),
        )
        if path:
            self.export_to(Path(path), zipped=self.zipped.isChecked())

    def export_to(self, path: Path, *, zipped: bool = False) -> None:
        wanted = self.grid.observation_id
        if wanted is None:
            return
        font_path = self.grid.station.settings.slip_font_path
        self.status.setText(tr("Writing {file}…", file=path.name))

        def done(written: ops.ObservationExport) -> None:
            from ui.desk.widgets.export_privacy import show_password

            self.status.setText(tr("The grid was written to {file}", file=str(written.file.path)))
            self.password_dialog = show_password(self.grid, written.file)
            self.exported.emit(written.file)

        self.grid.station.worker.submit(
            lambda ctx: ops.export_grid(ctx, wanted, path, font_path=font_path, zipped=zipped),
            done,
            lambda error: self.status.setText(
                tr("Export failed: {problem}", problem=self.grid.station.describe_error(error))
            ),
        )

    def retranslate(self) -> None:
        self.button.setText(tr("Export the grid… (Ctrl+E)"))
