"""The Reports screen: choose a reporting day, see its figures and every revision, generate, export.

The figures shown are counted now from the database; the revisions below are what was generated (and
possibly sent) earlier, with who and when.  When the two differ the screen says so, and "Generate"
records the correction as a new revision — the earlier ones stay.  Everything runs on the database
worker; an answer for a day the user has already left is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.reporting import FIGURE_LABELS, cutoff_of, reporting_day_of
from ui.desk.station import Station
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.export_privacy import (
    PasswordDialog,
    retranslate_zip,
    show_password,
    start_path,
    zip_checkbox,
)
from ui.desk.widgets.follow_changes import FollowChanges
from ui.desk.widgets.inputs import read_only_rows
from ui.services import reports as ops


def _local_now() -> datetime:
    return datetime.now().astimezone()


class ReportsScreen(QWidget):
    loaded = Signal(object)  # ops.ReportView
    generated = Signal(object)  # ops.Generated
    exported = Signal(object)  # Path

    def __init__(
        self, station: Station, parent: QWidget | None = None, clock: Callable[[], datetime] = _local_now
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.view: ops.ReportView | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.day_label = QLabel(self)
        self.day = QDateEdit(self)
        self.day.setObjectName("report_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.today_button = QPushButton(self)
        self.period = QLabel(self)
        top.addWidget(self.day_label)
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        top.addWidget(self.period, 1)
        layout.addLayout(top)
        self.kind = QLabel(self)
        self.kind.setObjectName("report_kind")
        font = self.kind.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.kind.setFont(font)
        layout.addWidget(self.kind)
        self.figures = QTableWidget(len(FIGURE_LABELS), 2, self)
        self.figures.setObjectName("report_figures")
        self.revisions = QTableWidget(0, 6, self)
        self.revisions.setObjectName("report_revisions")
        for table in (self.figures, self.revisions):
            read_only_rows(table)
        layout.addWidget(self.figures, 3)
        self.status = QLabel(self)
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(self.revisions, 2)
        bottom = QHBoxLayout()
        self.note = QLineEdit(self)
        self.note.setObjectName("report_note")
        self.generate_button = QPushButton(self)
        self.generate_button.setObjectName("generate_report")
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("export_report")
        self.zip_box = zip_checkbox(self, "export_report_zip")
        self.password_dialog: PasswordDialog | None = None
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.generate_button)
        bottom.addWidget(self.zip_box)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.today_button.clicked.connect(self.go_to_current_day)
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.generate_button.clicked.connect(self.generate)
        self.export_button.clicked.connect(self.export)
        station.settings_changed.connect(lambda _old: self.refresh())
        # Figures moved elsewhere (a save, a result, a revision): reloaded now if shown, else when shown.
        self.follow = FollowChanges(station, self, lambda c, by: by is not self and c.figures, self.refresh)
        self.go_to_current_day()
        self.retranslate()
        station.on_db_ready(self.refresh)

    # ---- state --------------------------------------------------------------------------------------
    def selected_day(self) -> date:
        return self.day.date().toPython()

    def set_day(self, day: date) -> None:
        self.day.setDate(QDate(day.year, day.month, day.day))

    def go_to_current_day(self) -> None:
        """The reporting day in progress: after the cutoff that is tomorrow's date."""
        day = reporting_day_of(self.clock(), cutoff_of(self.station.settings)).day
        if day == self.selected_day():
            self.refresh()
        else:
            self.set_day(day)  # dateChanged refreshes

    def _station(self) -> ops.ReportingStation:
        return ops.ReportingStation.from_settings(self.station.settings)

    def refresh(self) -> None:
        if not self.station.db_ready:
            return
        station, day = self._station(), self.selected_day()
        self.station.worker.submit(
            lambda ctx: ops.load_report(ctx, station, day), self._loaded, self.station.report
        )

    def _loaded(self, view: ops.ReportView) -> None:
        if view.period.day != self.selected_day():
            return  # the user moved on to another day meanwhile
        self.view = view
        self._show()
        self.loaded.emit(view)

    # ---- actions ------------------------------------------------------------------------------------
    def generate(self) -> None:
        if not self.station.db_ready:
            return
        station, day, note = self._station(), self.selected_day(), self.note.text().strip()
        self._busy(True)
        self.station.perform(
            lambda ctx: ops.generate_report(ctx, station, day, note),
            self._generated,
            self._failed,
            initiator=self,
        )

    def _generated(self, result: ops.Generated) -> None:
        self._busy(False)
        self.note.clear()
        self.generated.emit(result)
        self.refresh()

    def export(self) -> None:
        day = self.selected_day()
        name = self.station.settings.station_name or "station"
        path, _ = file_dialogs.ask_save_path(
            self,
            tr("Save the daily report"),
            start_path(f"日报告_{name}_{day:%Y%m%d}.pdf"),
            tr("PDF (*.pdf);;Excel workbook (*.xlsx);;CSV for Excel (*.csv)"),
        )
        if path:
            self.export_to(Path(path), zipped=self.zip_box.isChecked())

    def export_to(self, path: Path, *, zipped: bool = False) -> None:
        """Generate if needed, then write ``path`` on the worker (format from the extension); a ZIP's
        password is shown in a dialog that stays until dismissed."""
        if not self.station.db_ready:
            return
        station, day, note = self._station(), self.selected_day(), self.note.text().strip()
        self._busy(True)

        def done(result: ops.Generated) -> None:
            self._generated(result)
            written = result.file.path if result.file else path
            self.status.setText(tr("Written to {file}", file=str(written)))
            if result.file is not None:
                self.password_dialog = show_password(self, result.file)
            self.exported.emit(written)

        self.station.perform(
            lambda ctx: ops.export_report(ctx, station, day, path, note, zipped=zipped),
            done,
            self._failed,
            initiator=self,
        )

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.station.report(error, tr("The daily report was not generated: {problem}"))

    def _busy(self, busy: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    # ---- display ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.day_label.setText(tr("Reporting day"))
        self.today_button.setText(tr("Current day"))
        self.note.setPlaceholderText(tr("Correction note (optional)"))
        self.generate_button.setText(tr("Generate / regenerate"))
        self.export_button.setText(tr("Export…"))
        retranslate_zip(self.zip_box)
        self.figures.setHorizontalHeaderLabels([tr("Figure"), tr("Count")])
        self.revisions.setHorizontalHeaderLabels(
            [tr("Revision"), tr("Generated at"), tr("By"), tr("Cutoff"), tr("Zero report"), tr("Note")]
        )
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        p = view.period
        self.period.setText(
            tr(
                "from {start} to {end} (the cutoff itself included)",
                start=p.start.strftime("%Y-%m-%d %H:%M"),
                end=p.end.strftime("%Y-%m-%d %H:%M"),
            )
        )
        zero = view.figures.is_zero_report
        self.kind.setText(tr("Zero report: nothing found in this period.") if zero else tr("Daily report"))
        self.kind.setStyleSheet("color: #0a6b2d;" if zero else "")
        values = view.figures.to_json()
        for row, (key, label) in enumerate(FIGURE_LABELS.items()):
            self.figures.setItem(row, 0, QTableWidgetItem(tr(label)))
            self.figures.setItem(row, 1, QTableWidgetItem(str(values[key])))
        self.figures.resizeColumnToContents(0)
        self.revisions.setRowCount(len(view.revisions))
        for row, r in enumerate(reversed(view.revisions)):  # newest first
            cells = (
                str(r.revision),
                r.generated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                r.generated_by,
                r.cutoff,
                tr("yes") if r.figures.is_zero_report else tr("no"),
                r.note,
            )
            for column, text in enumerate(cells):
                self.revisions.setItem(row, column, QTableWidgetItem(text))
        latest = view.latest
        if view.provisional:  # generated offline: waits on this counter until the server counts the day
            self.status.setText(
                tr(
                    "Provisional: the server cannot be reached. The report is kept on this counter; the "
                    "server counts the day again when it is back and files it then."
                )
            )
        elif latest is None:
            self.status.setText(tr("Not generated yet for this day."))
        elif view.outdated:
            self.status.setText(
                tr(
                    "The figures changed since revision {revision}: generate again to record a correction.",
                    revision=latest.revision,
                )
            )
        else:
            self.status.setText(tr("Revision {revision} is up to date.", revision=latest.revision))
