"""Today's list of a counter screen, kept current without reloading the day after every save.

The screening desk and the pharmacy register both show the day's records with a search box and the
day's figures.  The whole list (at most ``limit`` rows, one bounded query) is loaded on the database
worker only when the list could be wrong otherwise: when the database opens, on a search, when the day
has changed, when old records were purged, and when another counter's records arrive (the
:class:`ui.desk.runtime.live_refresh.ChangePoller` sees a change this desk did not make).

After a save on this station the list learns what was stored from the broadcast
(``Station.changed``, :class:`ui.services.changes.Changes`) and inserts that one row, or replaces it
after a correction; only the day's figures, one aggregate, are asked from the worker.  So the cost of a
save does not grow with the rows already in the list, and the list still shows what is stored: the
poller is told what this desk wrote, and any difference it finds beyond that reloads the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ui.desk.runtime.live_refresh import ChangePoller
from ui.desk.station import Station
from ui.services.changes import Changes


class DayListWidget(Protocol):
    search_changed: Any

    def set_rows(self, rows: Any) -> None: ...

    def set_counts(self, counts: Any) -> None: ...

    def upsert(self, record: Any, limit: int) -> None: ...


class DayListLoader(QObject):
    """Loads and keeps one counter's list; ``loaded`` once the rows and the figures shown are current."""

    loaded = Signal()

    def __init__(
        self,
        station: Station,
        widget: DayListWidget,
        load: Callable[[Any, date, str], Any],
        parent: QObject | None = None,
        *,
        count: Callable[[Any, date], Any] | None = None,
        kind: str = "screenings",
        record_type: type | None = None,
        repository: Callable[[Any], Any] | None = None,
        screen: QWidget | None = None,
        limit: int = 500,
    ) -> None:
        """``load(ctx, day, search)`` runs on the worker and returns a view with ``rows`` and ``counts``;
        ``count(ctx, day)`` the figures alone.  ``kind`` is the :class:`Changes` flag of these records.
        With ``screen`` (and ``repository``, the records' repository on the worker context) a
        :class:`ChangePoller` watches for other counters' records while the screen is shown."""
        super().__init__(parent)
        self.station = station
        self.widget = widget
        self.load = load
        self.count = count
        self.kind = kind
        self.record_type = record_type
        self.limit = limit
        self.search_text = ""
        self.day: date | None = None  # the day the list holds
        self.live: ChangePoller | None = None
        if screen is not None:
            self.live = ChangePoller(station, screen, repository or (lambda ctx: getattr(ctx, kind)))
            self.live.changed.connect(self._elsewhere)
        widget.search_changed.connect(self.search)
        station.changed.connect(self.apply)
        station.on_db_ready(self.refresh)

    def refresh(self) -> None:
        """Reload the day's list and figures on the worker (bounded: at most ``limit`` rows)."""
        if not self.station.db_ready:
            return
        search, load, day, limit = self.search_text, self.load, date.today(), self.limit
        self.station.worker.submit(
            lambda ctx: (day, load(ctx, day, search, limit)), self._loaded, self.station.report
        )

    def search(self, text: str) -> None:
        self.search_text = text
        self.refresh()

    def _loaded(self, result: tuple[date, Any]) -> None:
        self.day, view = result
        self.widget.set_rows(view.rows)
        self.widget.set_counts(view.counts)
        self.loaded.emit()

    def _elsewhere(self) -> None:
        """Another counter's records (or a new day): reload, and tell the other screens too."""
        self.refresh()
        self.station.announce(Changes(**{self.kind: True}), self.live)

    def apply(self, changes: Changes, initiator: object = None) -> None:
        """After an operation: insert or replace the stored records; reload only when that cannot be exact."""
        if initiator is not None and initiator is self.live:
            return  # the poller's own announcement: the list is reloading already
        if changes.purged:
            self.refresh()
            return
        if not getattr(changes, self.kind):
            return
        records = [r for r in changes.records if self.record_type is None or isinstance(r, self.record_type)]
        today = date.today()
        todays = [r for r in records if _local_day(r) == today]
        if self.live is not None:
            for record in todays:  # shown below, by an insert or a reload: the poller need not reload
                new = getattr(record, "version", 1) <= 1
                self.live.expect(rows=1 if new else 0, versions=1 if self.kind == "screenings" else 0)
        if not records or self.search_text or self.day != today or self.count is None:
            self.refresh()  # a filtered list, a new day or an unknown record: only the query is exact
            return
        for record in todays:
            self.widget.upsert(record, self.limit)
        count = self.count
        self.station.worker.submit(lambda ctx: count(ctx, today), self._counted, self.station.report)

    def _counted(self, counts: Any) -> None:
        self.widget.set_counts(counts)
        self.loaded.emit()


def _local_day(record: Any) -> date | None:
    created: datetime | None = getattr(record, "created_at", None)
    return created.astimezone().date() if created is not None else None
