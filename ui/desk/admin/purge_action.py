"""The administrator's "delete old records" action: count first, confirm, purge with an audit entry.

The confirmation shows the record count and the files that go with them (archived slips, exports written
under the data folder), with the list under "Show Details…".  Counting and deleting run on the database
worker; the confirmation is a non-modal message box, so the worker never waits on a dialog.  The audit
entry is written in the purge's own transaction: either both happen or neither does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from fever_desk.i18n import tr
from ui.desk.station import Station
from ui.services.changes import Changes


class PurgeAction(QObject):
    def __init__(self, station: Station, parent: QWidget) -> None:
        super().__init__(parent)
        self.station = station
        self.window = parent
        self.action = QAction(parent)
        self.action.setVisible(False)
        self.action.triggered.connect(self.start)
        self._box: QMessageBox | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(tr("Delete old records…"))

    def cutoff(self) -> datetime:
        return datetime.now().astimezone() - timedelta(days=self.station.settings.retention_days)

    def start(self) -> None:
        cutoff = self.cutoff()

        def count(ctx: Any) -> tuple[int, list[str]]:
            from ui.services.admin import count_older_than, files_older_than

            return sum(count_older_than(ctx, cutoff).values()), files_older_than(ctx, cutoff)

        self.station.worker.submit(count, lambda found: self._confirm(*found, cutoff), self.station.report)

    def _confirm(self, count: int, files: list[str], cutoff: datetime) -> None:
        if count == 0 and not files:

            def retry(ctx: Any) -> tuple[int, list[str], int]:
                from db.retention import delete_pending_archives
                from ui.services.slips import pending_deletions

                return 0, delete_pending_archives(ctx.handle.session_factory, pending_deletions()), 0

            self.station.perform(retry, self._done, self.station.report, changes=Changes(purged=True))
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            tr("Delete old records…"),
            tr(
                "Delete {count} records created before {cutoff} and {files} file(s) that hold their "
                "data (archived slips, exports in the data folder)? This cannot be undone.",
                count=count,
                cutoff=f"{cutoff:%Y-%m-%d}",
                files=len(files),
            )
            if files
            else tr(
                "Delete {count} records created before {cutoff}? This cannot be undone.",
                count=count,
                cutoff=f"{cutoff:%Y-%m-%d}",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.setObjectName("purge_confirm")
        if files:
            box.setDetailedText("\n".join(files))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._answered(result, cutoff))
        self._box = box
        box.open()

    def _answered(self, result: int, cutoff: datetime) -> None:
        self._box = None
        if result != QMessageBox.StandardButton.Yes:
            return
        days = self.station.settings.retention_days

        def purge(ctx: Any) -> tuple[int, list[str], int]:
            from ui.services.admin import purge_older_than

            result = purge_older_than(ctx, cutoff, days)
            return sum(result.counts.values()), result.files_left, len(result.files_deleted)

        self.station.perform(purge, self._done, self.station.report, changes=Changes(purged=True))

    def _done(self, outcome: tuple[int, list[str], int]) -> None:
        """Say how many records and files went; files another program still holds are named (they go
        at the next purge)."""
        from ui.services.slips import files_left_message

        deleted, files_left, files_deleted = outcome
        text = tr("{count} records deleted.", count=deleted)
        if files_deleted:
            text += "\n" + tr("Files deleted: {count}", count=files_deleted)
        if files_left:
            text += "\n" + files_left_message(files_left)
        QMessageBox.information(self.window, tr("Delete old records…"), text)
