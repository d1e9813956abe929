"""Python's cyclic garbage collector, run only on the GUI thread.

Python collects cycles in whichever thread happens to cross the allocation threshold.  In the station
that is often the database worker (a migration or a report allocates a lot).  A closed dialog caught in
a cycle (a lambda connected to its own signal is enough) is then destroyed on the worker thread; Qt
requires widgets to die on the GUI thread, and the style sheet engine's bookkeeping, told about the
death through a queued signal, later touches freed memory and the station crashes in an unrelated place.
This was seen in the test suite as crashes in ``QStyleSheetStyleCaches`` (a queued ``MetaCall``).

So automatic collection is switched off and a timer on the GUI thread collects instead, with the same
generation thresholds Python would use (the scheme pyqtgraph uses for the same reason).  Worker threads
then only free objects by reference counting, which :mod:`ui.desk.runtime.workers` keeps on the GUI thread for
anything a job brought from it.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 500


class GuiThreadCollector(QObject):
    """Create on the GUI thread; ``stop()`` gives collection back as it found it (tests, shutdown)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations Python would have collected by now; returns the generation, or -1."""
        counts = gc.get_count()
        if counts[0] <= self.threshold[0]:
            return -1
        generation = 0
        if counts[1] > self.threshold[1]:
            generation = 1
            if counts[2] > self.threshold[2]:
                generation = 2
        gc.collect(generation)
        return generation

    def stop(self) -> None:
        self.timer.stop()
        if self._was_enabled:
            gc.enable()
