"""The 2-hour clock: every card not yet marked "reported online", with the minutes left, always in view.

A strip above the tabs, never a dialog: the nurse keeps typing the next patient while a doctor has a
card to report, and a clock that interrupts would be dismissed unread.  The cards come from the
database worker (``ui.services.report_cards.open_cards``), asked again on every tick and whenever an
operation wrote cards or screenings (``Station.changed``), so a card made at another counter appears at
the next tick.  The clock is injectable: the tests set "1 h 45 min after the diagnosis" instead of
waiting for it.  Whether a card is due, in warning or overdue is the domain's rule
(``fever_desk.report_card``); the strip only shows it: amber at 30 minutes or less, red when overdue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QWidget

from fever_desk.i18n import tr
from ui.desk.report_cards import cards_api as api
from ui.desk.station import Station
from ui.desk.widgets.inputs import set_style

TICK_MS = 20_000  # the minutes shown never lag by more than a third of a minute
#: How often a reading also makes the cards of suspected saves replayed from an outbox (shared server).
CATCH_UP_EVERY_S = 120.0

#: (text, background) per level; the strip takes the colour of its most urgent card.
COLOURS = {
    api.Level.DUE: ("#0b3d91", "#e8f0fe"),
    api.Level.WARNING: ("#7a4b00", "#fff4d6"),
    api.Level.OVERDUE: ("#b00020", "#fde7ea"),
}


class CardClock(QObject):
    """The open cards and each one's state at the clock's last reading; ``changed`` after each answer."""

    changed = Signal()

    def __init__(
        self,
        station: Station,
        clock: Callable[[], datetime] = api.local_now,
        parent: QObject | None = None,
        interval_ms: int = TICK_MS,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.clock = clock
        self.rows: list[api.ClockRow] = []
        self._cards: Sequence[Any] = []
        self.catch_up_every_s = CATCH_UP_EVERY_S
        self._caught_up_at: float | None = None  # the first reading catches up
        self._asking = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        station.on_db_ready(self.tick)
        station.changed.connect(lambda changes, _by: api.touches_cards(changes) and self.tick())

    def start(self) -> None:
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> None:
        """Ask the worker for the open cards as of now; a tick while one is asked asks once more after."""
        if not self.station.db_ready:
            return
        if self._asking:
            self._again = True
            return
        now = self.clock()
        last = self._caught_up_at
        catch_up = last is None or time.monotonic() - last >= self.catch_up_every_s
        if catch_up:
            self._caught_up_at = time.monotonic()
        self._asking = True
        self.station.worker.submit(
            lambda ctx: api.open_cards(ctx, now, catch_up), self._answered, self._failed
        )

    def _answered(self, cards: Sequence[Any] | None) -> None:
        self._asking = False
        if cards is not None:
            self._cards = cards
        self.rows = api.clock_rows(self._cards, self.clock())  # offline (None): the last cards, counting on
        self.changed.emit()
        if self._again:
            self._again = False
            self.tick()

    def _failed(self, error: BaseException) -> None:
        self._asking = False
        self._again = False
        self.station.report(error, tr("The report-card clock could not be read: {problem}"))

    @property
    def asking(self) -> bool:
        """A reading is on the worker (the rows are about to change)."""
        return self._asking

    @property
    def worst(self) -> api.Level | None:
        return max((row.level for row in self.rows), default=None, key=api.LEVEL_ORDER.index)


class CardList(QListWidget):
    """The cards, most urgent first; Enter opens the current one (so does a double-click)."""

    open_requested = Signal(object)  # the card

    def event(self, event: QEvent) -> bool:
        """Enter here opens the card, before any window shortcut on Enter (the forms save with it)."""
        override = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if override and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # type: ignore[attr-defined]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            if item is not None:
                self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
            return
        super().keyPressEvent(event)


class ClockStrip(QFrame):
    """The visible clock: one line per open card; a single quiet line when every card is reported, so the
    desk can see that the clock is there and that nothing waits."""

    open_requested = Signal(object)  # the card

    def __init__(self, clock: CardClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.setObjectName("card_clock")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.title = QLabel(self)
        self.title.setObjectName("card_clock_title")
        self.title.setWordWrap(True)
        self.list = CardList(self)
        self.list.setObjectName("card_clock_list")
        self.list.setMaximumHeight(76)
        self.list.itemDoubleClicked.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.list.open_requested.connect(self.open_requested)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        clock.changed.connect(self.refresh)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        rows = self.clock.rows
        self.setVisible(self.clock.station.db_ready)
        self.list.setVisible(bool(rows))
        if rows:
            self.title.setText(tr("Report cards within 2 hours (F12):"))
        else:
            self.title.setText(tr("Report cards within 2 hours: none waiting to be reported."))
        current = self.list.currentRow()
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(self.line(row), self.list)
            item.setData(Qt.ItemDataRole.UserRole, row.card)
            item.setData(Qt.ItemDataRole.UserRole + 1, row.level.value)
            text, background = COLOURS[row.level]
            item.setForeground(QBrush(QColor(text)))
            item.setBackground(QBrush(QColor(background)))
        if rows:
            self.list.setCurrentRow(min(max(current, 0), len(rows) - 1))
        worst = self.clock.worst
        if worst is None:
            set_style(self, "#card_clock { border: 1px solid #c8c8c8; } #card_clock_title { color: #555; }")
            return
        text, background = COLOURS[worst]
        border = "2px" if worst is api.Level.OVERDUE else "1px"
        set_style(
            self,
            f"#card_clock {{ background: {background}; border: {border} solid {text}; }}"
            f" #card_clock_title {{ color: {text}; font-weight: bold; }}",
        )

    @staticmethod
    def line(row: api.ClockRow) -> str:
        who = f"{row.number}  {row.name}"
        if row.level is api.Level.OVERDUE:
            return tr("{card}: overdue by {minutes} min", card=who, minutes=-row.minutes_left)
        return tr("{card}: {minutes} min left", card=who, minutes=row.minutes_left)

    def focus_list(self) -> bool:
        """F12: the keyboard goes to the most urgent card; False when there is none."""
        if not self.clock.rows:
            return False
        self.list.setCurrentRow(0)
        self.list.setFocus()
        return True
