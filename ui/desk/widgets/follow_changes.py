"""A screen that refreshes itself after the operations that change what it shows.

Operations are broadcast on ``Station.changed`` (:class:`ui.services.changes.Changes`, as Anki's
``OpChanges``).  A screen in a hidden tab need not query the database after every save of the day: it
refreshes at once while it is shown, and otherwise once, the next time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from ui.services.changes import Changes

if TYPE_CHECKING:
    from ui.desk.station import Station


class FollowChanges(QObject):
    """Calls ``refresh()`` when ``wants(changes, initiator)`` says an operation changed ``screen``."""

    def __init__(
        self,
        station: Station,
        screen: QWidget,
        wants: Callable[[Changes, object], bool],
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(screen)
        self.screen, self.wants, self.refresh = screen, wants, refresh
        self.stale = False
        station.changed.connect(self._changed)
        screen.installEventFilter(self)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if not self.wants(changes, initiator):
            return
        if self.screen.isVisible():
            self.stale = False
            self.refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.screen and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.refresh()
        return False
