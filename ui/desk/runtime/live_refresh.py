"""Lists that show other counters' new records within seconds, without a refresh key.

A :class:`ChangePoller` asks the database worker every few seconds for the list's change token
(``changed_since`` on the repository: one aggregate over today's rows) and emits ``changed`` only when
it differs from the last one seen, so the full list is reloaded only when something happened.  It
stays quiet while the worker is busy (a save or a load in progress), while a poll is already out, and
while its screen is hidden; a failed poll (the server away) is silent: the status bar says that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ui.desk.station import Station
from ui.services.screening import local_day_bounds

POLL_MS = 3000


class ChangePoller(QObject):
    changed = Signal()

    def __init__(
        self,
        station: Station,
        screen: QWidget,
        repository: Callable[[Any], Any] = lambda ctx: ctx.screenings,
        interval_ms: int = POLL_MS,
        bounds: Callable[[], tuple[datetime, datetime]] = lambda: local_day_bounds(date.today()),
    ) -> None:
        super().__init__(screen)
        self.station = station
        self.screen = screen
        self._repository = repository
        self._bounds = bounds
        self._token: Any = None
        self._busy = False
        self._in_flight = False
        station.worker.busy_changed.connect(self._busy_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def _busy_changed(self, busy: bool) -> None:
        self._busy = busy

    def poll(self) -> None:
        if not self.station.db_ready or self._busy or self._in_flight or not self.screen.isVisible():
            return
        self._in_flight = True
        seen, (start, end), repository = self._token, self._bounds(), self._repository
        self.station.worker.submit(
            lambda ctx: repository(ctx).changed_since(seen, start, end), self._checked, self._failed
        )

    def _checked(self, token: Any) -> None:
        self._in_flight = False
        if token is not None:
            self._token = token
            self.changed.emit()

    def _failed(self, _error: BaseException) -> None:
        self._in_flight = False
