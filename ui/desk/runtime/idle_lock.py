"""Lock the desk after a period without keyboard or mouse, and unlock it with a login.

An application-wide event filter notes the time of every key and mouse event; a coarse timer (every few
seconds, not per event) asks the pure policy ``fever_desk.accounts.should_lock``.  The filter is only
installed while the desk is unlocked: a locked desk has nothing to time, and at start-up (locked until
the first login) every event would otherwise pass through Python before the window is even painted.
The clock is injected so tests call :meth:`IdleLock.check` with a fake time instead of waiting ten minutes.

Locking hides the window's central widget (and disables its menus) rather than closing or clearing
anything: a half-typed form keeps every character and reappears as it was after the login.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

CHECK_EVERY_MS = 5_000


@cache
def _activity() -> frozenset[QEvent.Type]:
    """Built on first use: ``QEvent.Type`` has some 190 members and the lock starts engaged."""
    from PySide6.QtCore import QEvent

    return frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )


class IdleLock(QObject):
    locked = Signal()

    def __init__(
        self,
        idle_minutes: int,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
        *,
        locked: bool = False,
    ) -> None:
        super().__init__(parent)
        self.idle_minutes = idle_minutes
        self._clock = clock
        self.last_activity = clock()
        self.is_locked = locked
        self._watching = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self._watch(not locked)
        self.timer.start()

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _activity():
            self.last_activity = self._clock()
        return False

    def check(self) -> bool:
        """Lock if idle for long enough; returns whether the desk is locked now."""
        from fever_desk.accounts import should_lock  # not at import: the lock is on the start-up path

        if not self.is_locked and should_lock(self.last_activity, self._clock(), self.idle_minutes):
            self.lock_now()
        return self.is_locked

    def lock_now(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        self._watch(False)
        self.locked.emit()

    def unlock(self) -> None:
        self.is_locked = False
        self.last_activity = self._clock()
        self._watch(True)

    def uninstall(self) -> None:
        self.timer.stop()
        self._watch(False)


def cover(window: QMainWindow, covered: bool) -> None:
    """Hide (or show again) what the window shows about patients, keeping every widget's state."""
    central = window.centralWidget()
    if central is not None:
        central.setVisible(not covered)
    window.menuBar().setEnabled(not covered)
