"""Work done one short step per event-loop turn, so a dialog in front keeps answering keys meanwhile.

The window builds its screens this way behind the login dialog (``ui/desk/main_window.py``): each step is
one screen's modules loaded or one screen built (~30-50 ms), and a key typed into the dialog between two
steps is answered without a noticeable pause.  Whoever needs the result before the last turn calls
:meth:`Steps.run_now`, which does the rest at once; the turns still queued then find nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


class Steps:
    """``steps`` in order, then ``finish`` once; a step that raises ends the start (a defect, not input)."""

    def __init__(self, steps: list[Callable[[], None]], finish: Callable[[], None]) -> None:
        self._steps = list(steps)
        self._finish = finish
        self.finished = False

    def run_in_turns(self) -> None:
        """One step per event-loop turn, from the next turn on."""

        def step() -> None:
            if self.finished:
                return  # run_now() finished the job in between
            try:
                self._steps.pop(0)()
            except Exception as exc:  # noqa: BLE001 - any failure here ends the start, with its traceback
                # A screen that cannot be built is a defect, not something a nurse can fix: fail the
                # start loudly (traceback in the log file, a dialog naming it; ui.desk.runtime.startup).
                from ui.desk.runtime.startup import report_fatal

                QApplication.exit(report_fatal(exc))
                return
            if self._steps:
                QTimer.singleShot(0, step)
            else:
                self._done()

        QTimer.singleShot(0, step)

    def run_now(self) -> None:
        """Whatever is still missing, now (a login faster than the steps, a direct construction)."""
        if self.finished:
            return
        while self._steps:
            self._steps.pop(0)()
        self._done()

    def _done(self) -> None:
        self.finished = True
        self._finish()
