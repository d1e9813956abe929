"""Import the grid workers' list (XLSX or CSV with Chinese headers) into the register.

The operation checks every row and keeps either all of them or none (``ui.services.observation
.import_list``): a file with a bad row imports nothing, and the dialog lists each refused row — its row
number as the spreadsheet shows it, and why — so the list can be corrected and imported again.  The
file is read on the database worker; the dialog stays responsive meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
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
from ui.desk.station import Station
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.field_rows import ERROR_STYLE
from ui.services import observation as ops

SUFFIXES = (".xlsx", ".csv")


class ImportDialog(QDialog):
    """Emits ``imported(ImportDone)`` after a run (also one that refused rows, so tests can read it)."""

    imported = Signal(object)

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.setObjectName("import_observation")
        self.setWindowTitle(tr("Import the grid workers' list"))
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("An XLSX or CSV file with the register's Chinese headers."), self))
        row = QHBoxLayout()
        self.path = QLineEdit(self)
        self.path.setObjectName("import_path")
        self.choose_button = QPushButton(tr("Choose…"), self)
        self.choose_button.clicked.connect(self.choose)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.refused = QTableWidget(0, 2, self)
        self.refused.setObjectName("import_refused")
        self.refused.setHorizontalHeaderLabels([tr("Row"), tr("Why it was refused")])
        self.refused.horizontalHeader().setStretchLastSection(True)
        self.refused.verticalHeader().hide()
        self.refused.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.refused.hide()
        layout.addWidget(self.refused, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        self.import_button = self.buttons.addButton(tr("Import"), QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setObjectName("import_run")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.path.returnPressed.connect(self.run)
        self.path.setFocus(Qt.FocusReason.OtherFocusReason)

    def choose(self) -> None:
        chosen, _filter = file_dialogs.ask_open_path(
            self, tr("Import the grid workers' list"), self.path.text(), tr("Lists (*.xlsx *.csv)")
        )
        if chosen:
            self.path.setText(chosen)

    def run(self) -> None:
        text = self.path.text().strip()
        path = Path(text).expanduser() if text else None
        if path is None or path.suffix.lower() not in SUFFIXES:
            self._say(tr("Choose an .xlsx or .csv file."), error=True)
            return
        if not path.is_file():
            self._say(tr("No such file: {path}", path=str(path)), error=True)
            return
        if not self.station.db_ready:
            self._say(tr("The database is not open yet."), error=True)
            return
        self.import_button.setEnabled(False)
        self._say(tr("Checking every row of {name}…", name=path.name))
        self.station.perform(lambda ctx: ops.import_list(ctx, path), self._done, self._failed, initiator=self)

    def _done(self, done: ops.ImportDone) -> None:
        self.import_button.setEnabled(True)
        report = done.report
        problems = list(report.refused)
        self.refused.setRowCount(len(problems))
        for line, problem in enumerate(problems):
            self.refused.setItem(line, 0, QTableWidgetItem(str(problem.row)))
            self.refused.setItem(line, 1, QTableWidgetItem("; ".join(problem.reasons)))
        self.refused.setVisible(bool(problems))
        if problems:
            self._say(
                tr(
                    "Nothing was imported: {bad} of {rows} rows were refused. Correct them and import the "
                    "whole file again.",
                    bad=len(problems),
                    rows=report.rows,
                ),
                error=True,
            )
        else:
            self._say(tr("{count} people registered for observation.", count=done.imported))
        self.imported.emit(done)

    def _failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        self._say(
            tr("Nothing was imported: {problem}", problem=self.station.describe_error(error)), error=True
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.summary.setStyleSheet(ERROR_STYLE if error else "")
        self.summary.setText(text)
