"""The administrator's read-only view of the audit trail: filter by user, action and date, newest first.

Queries run on the database worker (the log grows by every save and print, so a month can be thousands
of rows); at most :data:`LIMIT` rows are shown.  "Verify" runs the same chain check as
``fever-desk audit verify``.  Nothing here can change an entry: the table is not editable.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from fever_desk.audit import AuditAction, AuditEntry, BrokenLink
from fever_desk.i18n import tr
from ui.desk.station import Station
from ui.desk.widgets.follow_changes import FollowChanges
from ui.desk.widgets.inputs import read_only_rows

LIMIT = 2000
HEADERS = ("#", "Time", "User", "Station", "Action", "Record", "Detail")


class AuditBrowser(QWidget):
    loaded = Signal(int)

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(tr("User name"))
        self.action = QComboBox(self)
        self.action.addItem(tr("All actions"), "")
        for action in AuditAction:
            self.action.addItem(action.value, action.value)
        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-7), self)
        self.until = QDateEdit(today, self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.refresh_button = QPushButton(tr("Show"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton(tr("Verify the chain"), self)
        self.verify_button.clicked.connect(self.verify)
        for widget in (self.user, self.action, self.since, QLabel("–", self), self.until):
            filters.addWidget(widget)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        filters.addWidget(self.verify_button)
        layout.addLayout(filters)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels([tr(h) if h != "#" else h for h in HEADERS])
        read_only_rows(self.table)
        layout.addWidget(self.table, 1)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        # Every operation appends to the trail: the entries shown follow, now or when the tab is shown.
        self.follow = FollowChanges(station, self, lambda changes, _by: bool(changes), self.refresh)

    def _window(self) -> tuple[datetime, datetime]:
        since = datetime.combine(self.since.date().toPython(), time.min).astimezone()
        until = datetime.combine(self.until.date().toPython(), time.min).astimezone() + timedelta(days=1)
        return since, until

    def refresh(self) -> None:
        if not self.station.db_ready:
            return
        since, until = self._window()
        user, action = self.user.text().strip(), self.action.currentData() or ""

        def query(ctx: Any) -> list[AuditEntry]:
            return ctx.audit.entries(operator=user, action=action, since=since, until=until, limit=LIMIT)

        self.refresh_button.setEnabled(False)
        self.station.worker.submit(query, self._show, self._failed)

    def _show(self, entries: list[AuditEntry]) -> None:
        self.refresh_button.setEnabled(True)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            record = f"{entry.record_kind}:{entry.record_id}" if entry.record_kind else ""
            cells = (
                str(entry.sequence),
                entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                entry.operator,
                entry.station_id,
                entry.action,
                record,
                entry.detail,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        shown = tr("{count} entries, newest first.", count=len(entries))
        self.status.setText(
            shown if len(entries) < LIMIT else shown + " " + tr("Narrow the filter to see more.")
        )
        self.loaded.emit(len(entries))

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.station.worker.submit(lambda ctx: ctx.audit.verify(), self._verified, self._failed)

    def _verified(self, broken: BrokenLink | None) -> None:
        self.verify_button.setEnabled(True)
        if broken is None:
            self.status.setText(tr("The audit trail is intact."))
        else:
            self.status.setText(tr(broken.message, **broken.values()))

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        self.status.setText(self.station.describe_error(error))
