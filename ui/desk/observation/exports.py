"""Ctrl+E: the register (on the worklist) or one person's 14-day grid (on the grid) as a file.

The files are written on the database worker by the same operations as ``fever-desk observation export``
(``ui.services.observation.export_register`` / ``export_grid``: 0600, marked as personal information,
logged).  The save dialog starts in the user's Documents every time and "Encrypted ZIP" is offered, as for
every export that leaves the station (``ui.desk.widgets.export_privacy``); only a role allowed to export
may.  The grid's PDF is one A4 page with Chinese headers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from fever_desk.i18n import tr
from fever_desk.privacy import Permission, Permissions
from ui.desk.station import Station
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.export_privacy import start_path, zip_checkbox
from ui.services import observation as ops

# (the export's job on the worker: ctx, path, zipped, font path → ObservationExport)
Job = Callable[[Any, Path, bool, str], ops.ObservationExport]


class ExportControl(QObject):
    """The export button, its ZIP choice and the outcome line, added at the bottom of ``host``."""

    exported = Signal(object)  # the ExportedFile, once written

    def __init__(
        self,
        station: Station,
        host: QWidget,
        what: Callable[[], tuple[str, Job] | None],
        title: str,
        filters: str,
    ) -> None:
        super().__init__(host)
        self.station, self.host, self.what = station, host, what
        self.title, self.filters = title, filters
        self.password_dialog: QWidget | None = None
        row = QHBoxLayout()
        self.button = QPushButton(host)
        self.button.setObjectName("observation_export")
        self.button.clicked.connect(self.ask)
        self.zipped = zip_checkbox(host, "observation_export_zip")
        self.status = QLabel(host)
        self.status.setObjectName("observation_export_status")
        self.status.setWordWrap(True)
        row.addWidget(self.button)
        row.addWidget(self.zipped)
        row.addWidget(self.status, 1)
        layout = host.layout()
        assert isinstance(layout, QBoxLayout)
        layout.addLayout(row)
        shortcut = QShortcut(QKeySequence("Ctrl+E"), host)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.ask)
        self.retranslate()

    def allowed(self) -> bool:
        operator = self.station.operator
        return operator is None or Permissions.for_role(operator.role).allows(Permission.EXPORT)

    def ask(self) -> None:
        chosen = self.what()
        if chosen is None:
            return
        if not self.allowed():
            self.status.setText(tr("Your role does not allow this."))
            return
        name, job = chosen
        path, _ = file_dialogs.ask_save_path(self.host, tr(self.title), start_path(name), tr(self.filters))
        if path:
            self.export_to(Path(path), job, zipped=self.zipped.isChecked())

    def export_to(self, path: Path, job: Job, *, zipped: bool = False) -> None:
        font_path = self.station.settings.slip_font_path
        self.status.setText(tr("Writing {file}…", file=path.name))

        def done(written: ops.ObservationExport) -> None:
            from ui.desk.widgets.export_privacy import show_password

            self.status.setText(tr("Written to {file}", file=str(written.file.path)))
            self.password_dialog = show_password(self.host, written.file)
            self.exported.emit(written.file)

        self.station.worker.submit(
            lambda ctx: job(ctx, path, zipped, font_path),
            done,
            lambda error: self.status.setText(
                tr("Export failed: {problem}", problem=self.station.describe_error(error))
            ),
        )

    def retranslate(self) -> None:
        self.button.setText(tr("Export… (Ctrl+E)"))


def grid_export(station: Station, grid: Any) -> ExportControl:
    """On the grid: the person shown, as PDF (one A4 page) or XLSX."""

    def what() -> tuple[str, Job] | None:
        file, wanted = grid.model.file, grid.observation_id
        if file is None or wanted is None:
            return None
        name = f"医学观察_{file.observation.person.name}_{file.observation.exposure.last_date:%Y%m%d}.pdf"

        def job(ctx: Any, path: Path, zipped: bool, font: str) -> ops.ObservationExport:
            return ops.export_grid(ctx, wanted, path, font_path=font, zipped=zipped)

        return name, job

    return ExportControl(
        station, grid, what, "Export the 14-day grid", "PDF (*.pdf);;Excel workbook (*.xlsx)"
    )


def register_export(station: Station, worklist: QWidget) -> ExportControl:
    """On the worklist: the whole register (everyone, whatever their status), as XLSX or PDF."""

    def what() -> tuple[str, Job]:
        def job(ctx: Any, path: Path, zipped: bool, font: str) -> ops.ObservationExport:
            return ops.export_register(ctx, path, font_path=font, zipped=zipped)

        return f"医学观察登记_{date.today():%Y%m%d}.xlsx", job

    return ExportControl(
        station, worklist, what, "Export the observation register", "Excel workbook (*.xlsx);;PDF (*.pdf)"
    )
