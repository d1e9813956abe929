"""Sending to the county without a scheduled task: after each report the desk generates, and on a timer.

When the Reports screen generates a daily report or a revision (``ReportsScreen.generated``), and every
``INTERVAL_MS`` once someone has logged in, the database worker queues every new revision and the
report-card counts that changed, and delivers the county outbox (``ui.services.county``) — the same steps
as ``fever-desk county send``.  A station that is not enrolled does nothing, quietly.  What the county
said comes back to a line on the Reports screen: sent and accepted, a refusal with its reason, or that
the county could not be reached and the reports wait in the outbox for the next try.

The rounds share the database worker with the counters, and a county that does not answer holds a round
up to its connection timeout (5 s, ``db.county.link``); so after each unreachable round the timer waits
twice as long (up to an hour), and back to ``INTERVAL_MS`` once the county answers.  A report generated
meanwhile still tries at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.station import Station

INTERVAL_MS = 10 * 60 * 1000
MAX_INTERVAL_MS = 60 * 60 * 1000


@dataclass
class Outcome:
    """What one round did, in plain values for the GUI thread."""

    queued: int = 0
    sent: int = 0
    waiting: int = 0
    accepted: int = 0
    refused: list[str] = field(default_factory=list)  # "day revision: reason", in the user's language
    unreachable: str = ""


def send_round(ctx: object, settings: Settings) -> Outcome | None:
    """Runs on the worker.  None when the station is not enrolled (nothing to do, nothing to say)."""
    from fever_desk.county.signed import REASON_TEXTS
    from fever_desk.reporting import cutoff_of, reporting_day_of
    from ui.services import county

    if county.load_enrolment() is None:
        return None
    cutoff = cutoff_of(settings)
    today = reporting_day_of(datetime.now().astimezone(), cutoff).day
    outcome = Outcome()
    outcome.queued = county.queue_reports(ctx, settings.station_id)
    outcome.queued += county.queue_recent_card_counts(ctx, settings.station_id, cutoff, today)
    result = county.send(ctx)
    outcome.sent, outcome.waiting, outcome.accepted = result.sent, result.waiting, result.accepted
    outcome.refused = [
        tr("{day} revision {revision}: {reason}", day=item.day, revision=item.revision,
           reason=tr(REASON_TEXTS.get(item.reason, item.reason)))
        for item in result.refused
    ]  # fmt: skip
    if result.error is not None:
        outcome.unreachable = result.error.localized()
    return outcome


class CountySender(QObject):
    """Owns the timer and the line on the Reports screen; one round at a time."""

    finished = Signal(object)  # Outcome | None

    def __init__(self, station: Station, reports: QWidget, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(reports)
        self.station = station
        self.busy = False
        self.again = False
        self.label = QLabel(reports)
        self.label.setObjectName("county_sending")
        self.label.setWordWrap(True)
        self.label.hide()
        layout = reports.layout()
        if layout is not None:
            layout.addWidget(self.label)
        self.interval_ms = interval_ms
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.send_now)
        generated = getattr(reports, "generated", None)
        if generated is not None:
            generated.connect(lambda _result: self.send_now())

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def send_now(self) -> None:
        """Queue and send on the worker; a request while a round runs makes one more round after it."""
        if not self.station.db_ready or self.station.operator is None:
            return
        if self.busy:
            self.again = True
            return
        self.busy = True
        settings = self.station.settings
        self.station.worker.submit(lambda ctx: send_round(ctx, settings), self._done, self._failed)

    def _done(self, outcome: Outcome | None) -> None:
        self.busy = False
        if outcome is not None:
            self._pace(outcome)
            self._show(outcome)
        self.finished.emit(outcome)
        if self.again:
            self.again = False
            self.send_now()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.label.setText(
            tr("Sending to the county failed: {problem}", problem=self.station.describe_error(error))
        )
        self.label.show()
        self.finished.emit(None)

    def _pace(self, o: Outcome) -> None:
        """Back off while the county is away; the usual interval once it answers."""
        slower = min(self.timer.interval() * 2, max(MAX_INTERVAL_MS, self.interval_ms))
        self.timer.setInterval(slower if o.unreachable else self.interval_ms)

    def _show(self, o: Outcome) -> None:
        if not (o.queued or o.sent or o.refused or o.unreachable or o.waiting):
            return  # nothing new: keep the last message
        lines = [tr("County: sent {sent}, accepted {accepted}, waiting {waiting}.", sent=o.sent,
                    accepted=o.accepted, waiting=o.waiting)]  # fmt: skip
        lines += [tr("Refused by the county: {what}", what=text) for text in o.refused]
        if o.unreachable:
            lines.append(tr("{problem} The reports wait on this station and go with the next try.",
                            problem=o.unreachable))  # fmt: skip
        self.label.setText("\n".join(lines))
        self.label.setStyleSheet("color: #b00020;" if o.refused or o.unreachable else "color: #0a6b2d;")
        self.label.show()
