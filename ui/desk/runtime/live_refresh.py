"""Lists that show other counters' new records within seconds, without a refresh key.

A :class:`ChangePoller` asks the database worker every few seconds for the list's change token
(``changed_since`` on the repository: one aggregate over today's rows) and emits ``changed`` only when
it differs from the last one seen, so the full list is reloaded only when something happened.  It
stays quiet while the worker is busy (a save or a load in progress), while a poll is already out, and
while its screen is hidden; a failed poll (the server away) is silent: the status bar says that.

This desk's own saves change the token too, but the list has already inserted them
(``ui.desk.widgets.day_list``): the list tells the poller what it wrote (:meth:`ChangePoller.expect`),
and a token that moved by exactly that much is taken as seen.  Any other difference (another counter's
record, a correction elsewhere, the outbox draining, a new day) still reloads the list.
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
        self._own = (0, 0)  # (rows, versions) this desk wrote since the token was read
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

    def expect(self, rows: int, versions: int = 0) -> None:
        """This desk stored ``rows`` new records and raised the versions' sum by ``versions`` (already
        shown): the next token may differ by exactly that without anyone else having written."""
        self._own = (self._own[0] + rows, self._own[1] + versions)

    def _checked(self, token: Any) -> None:
        self._in_flight = False
        if token is None:
            return
        seen, own = self._token, self._own
        self._token, self._own = token, (0, 0)
        if seen is not None and own != (0, 0) and _only_ours(seen, token, own):
            return
        self.changed.emit()

    def _failed(self, _error: BaseException) -> None:
        self._in_flight = False


def _only_ours(seen: Any, token: Any, own: tuple[int, int]) -> bool:
    """Whether ``token`` differs from ``seen`` by exactly this desk's own rows and versions.

    Jobs run in order on the worker and their results come back in order, so a poll answered before a
    save's result cannot include that save, and one answered after it does."""
    return (
        token.rows - seen.rows == own[0]
        and token.versions - seen.versions == own[1]
        and getattr(token, "pending", 0) == getattr(seen, "pending", 0)
    )
