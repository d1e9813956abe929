"""Today's reporting-day figures at a glance, small enough for the status bar.

"Today" is the current *reporting* day (since the last cutoff), not the calendar day, so what the glance
shows at 15:55 is what the report will say at 16:00.  It refreshes on the database worker whenever an
operation changed what it counts (``Station.changed``: a save here, another counter's records seen by
the live lists, a follow-up result, a new revision) and once a minute, so it also rolls over to the
next reporting day at the cutoff.  A refresh asked for while one is running supersedes it: one more
load follows, and only its figures are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fever_desk.i18n import tr
from ui.desk.station import Station
from ui.services import reports as ops

REFRESH_EVERY_MS = 60_000


def _local_now() -> datetime:
    return datetime.now().astimezone()


class ReportGlance(QWidget):
    loaded = Signal(object)  # ops.Glance
    clicked = Signal()

    def __init__(
        self,
        station: Station,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = _local_now,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.glance: ops.Glance | None = None
        self._loading = self._again = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("report_glance")
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_EVERY_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        station.on_db_ready(self.refresh)
        station.settings_changed.connect(lambda _old: self.refresh())
        station.changed.connect(lambda changes, _by: changes.figures and self.refresh())

    def mouseDoubleClickEvent(self, event: object) -> None:
        self.clicked.emit()

    def refresh(self, *_args: object) -> None:
        """Ask the worker for the current reporting day's figures (accepts and ignores signal args)."""
        if not self.station.db_ready:
            return
        if self._loading:
            self._again = True  # a change arrived during the load: load once more when it is back
            return
        self._loading, self._again = True, False
        station = ops.ReportingStation.from_settings(self.station.settings)
        now = self.clock()
        self.station.worker.submit(lambda ctx: ops.load_glance(ctx, station, now), self._loaded, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.station.report(error)

    def _loaded(self, glance: ops.Glance) -> None:
        self._loading = False
        if self._again:  # superseded: something changed after this load started
            self.refresh()
            return
        self.glance = glance
        self.retranslate()
        self.loaded.emit(glance)

    def retranslate(self) -> None:
        g = self.glance
        if g is None:
            self.label.setText("")
            return
        f = g.figures
        if g.latest is None:
            state = tr("report not generated")
        else:
            state = tr("report revision {revision} generated", revision=g.latest.revision)
        self.label.setText(
            tr(
                "Report day {day} (until {cutoff}): {screened} screened · {fever} fever · "
                "{clinic} fever clinic · {suspected} suspected · {buyers} purchasers · {state}",
                day=f"{g.period.day:%m-%d}",
                cutoff=g.period.cutoff_text,
                screened=f.screened,
                fever=f.fever,
                clinic=f.fever_clinic,
                suspected=f.suspected,
                buyers=f.purchasers,
                state=state,
            )
        )
        self.label.setToolTip(tr("Zero report so far") if f.is_zero_report else "")
