"""Today's list of a counter screen, loaded on the database worker.

The screening desk and the pharmacy register both show the day's records with a search box and the
day's figures; this loads them off the GUI thread when the database opens, after a save, on a search and
when another counter's records arrive, and hands the rows to the list widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from ui.desk.station import Station


class DayListWidget(Protocol):
    search_changed: Any

    def set_rows(self, rows: Any) -> None: ...

    def set_counts(self, counts: Any) -> None: ...


class DayListLoader(QObject):
    loaded = Signal()

    def __init__(
        self,
        station: Station,
        widget: DayListWidget,
        load: Callable[[Any, date, str], Any],
        parent: QObject | None = None,
    ) -> None:
        """``load(ctx, day, search)`` runs on the worker and returns a view with ``rows`` and ``counts``."""
        super().__init__(parent)
        self.station = station
        self.widget = widget
        self.load = load
        self.search_text = ""
        widget.search_changed.connect(self.search)
        station.on_db_ready(self.refresh)

    def refresh(self) -> None:
        if not self.station.db_ready:
            return
        search, load = self.search_text, self.load
        self.station.worker.submit(
            lambda ctx: load(ctx, date.today(), search), self._loaded, self.station.report
        )

    def search(self, text: str) -> None:
        self.search_text = text
        self.refresh()

    def _loaded(self, view: Any) -> None:
        self.widget.set_rows(view.rows)
        self.widget.set_counts(view.counts)
        self.loaded.emit()
