"""The "report before the cutoff" reminder: a timer that asks once a minute, and a quiet banner.

From 30 minutes before the cutoff until the end of that day, while the day's report has not been
generated, a banner above the tabs says so and offers "Generate now".  It is a widget in the window,
never a dialog: a nurse in the middle of a screening must not have the form covered, and a check every
minute must not stack up message boxes.  ``changed`` is emitted only when the state flips, and a check
is skipped while the previous one is still on the database worker.  The clock is injectable so the
tests set 15:31 instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fever_desk.i18n import tr
from fever_desk.reporting import cutoff_of, day_to_remind, reminder_due
from ui.desk.station import Station
from ui.services import reports as ops

CHECK_EVERY_MS = 60_000


def _local_now() -> datetime:
    return datetime.now().astimezone()


class ReportReminder(QObject):
    """Decides whether the banner shows; ``due`` and ``overdue`` describe ``day`` after each check."""

    changed = Signal(bool)  # due

    def __init__(
        self,
        station: Station,
        clock: Callable[[], datetime] = _local_now,
        parent: QObject | None = None,
        interval_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.due = False
        self.overdue = False
        self.day: date | None = None
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        station.on_db_ready(self.check)
        station.settings_changed.connect(lambda _old: self.check())
        station.changed.connect(lambda changes, _by: (changes.reports or changes.purged) and self.check())

    def start(self) -> None:
        self.timer.start()
        self.check()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> None:
        """Look at the clock; only inside the window ask the worker whether the report exists."""
        if not self.station.db_ready or self._asking:
            return
        now = self.clock()
        cutoff = cutoff_of(self.station.settings)
        if not reminder_due(now, cutoff, generated=False):
            self._set(False, None, False)
            return
        day = day_to_remind(now, cutoff)
        station_id = self.station.settings.station_id
        overdue = now.astimezone().time() > cutoff
        self._asking = True
        self.station.worker.submit(
            lambda ctx: ops.report_exists(ctx, station_id, day),
            lambda exists: self._answered(day, overdue, bool(exists)),
            self._failed,
        )

    def _answered(self, day: date, overdue: bool, exists: bool) -> None:
        self._asking = False
        self._set(not exists, day, overdue)

    def _failed(self, error: BaseException) -> None:
        self._asking = False
        self.station.report(error)

    def _set(self, due: bool, day: date | None, overdue: bool) -> None:
        flipped = due != self.due or (due and (day, overdue) != (self.day, self.overdue))
        self.due, self.day, self.overdue = due, day, overdue
        if flipped:
            self.changed.emit(due)


class ReminderBanner(QFrame):
    """The visible side of the reminder: one line and a "Generate now" button, hidden when not due."""

    generated = Signal(object)  # ops.Generated
    open_reports = Signal()

    def __init__(self, reminder: ReportReminder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reminder = reminder
        self.station = reminder.station
        self.setObjectName("report_reminder")
        self.setStyleSheet("#report_reminder { background: #fff4d6; border: 1px solid #e0b84d; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.generate_button = QPushButton(self)
        self.generate_button.setObjectName("generate_report_now")
        self.open_button = QPushButton(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.generate_button)
        layout.addWidget(self.open_button)
        self.generate_button.clicked.connect(self.generate_now)
        self.open_button.clicked.connect(self.open_reports)
        reminder.changed.connect(lambda _due: self._refresh())
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.generate_button.setText(tr("Generate now"))
        self.open_button.setText(tr("Open reports"))
        self._refresh()

    def _refresh(self) -> None:
        r = self.reminder
        self.setVisible(r.due)
        if not r.due or r.day is None:
            return
        cutoff = cutoff_of(self.station.settings).strftime("%H:%M")
        day = f"{r.day:%Y-%m-%d}"
        if r.overdue:
            text = tr(
                "The daily report for {day} is overdue (cutoff {cutoff}); generate it now.",
                day=day,
                cutoff=cutoff,
            )
        else:
            text = tr(
                "The daily report for {day} is due by {cutoff} and has not been generated yet.",
                day=day,
                cutoff=cutoff,
            )
        self.text.setText(text)

    def generate_now(self) -> None:
        day = self.reminder.day
        if day is None or not self.station.db_ready:
            return
        self.generate_button.setEnabled(False)
        station = ops.ReportingStation.from_settings(self.station.settings)
        self.station.perform(
            lambda ctx: ops.generate_report(ctx, station, day), self._generated, self._failed, initiator=self
        )

    def _generated(self, result: ops.Generated) -> None:
        self.generate_button.setEnabled(True)
        self.generated.emit(result)
        self.reminder.check()

    def _failed(self, error: BaseException) -> None:
        self.generate_button.setEnabled(True)
        self.station.report(error, tr("The daily report was not generated: {problem}"))
