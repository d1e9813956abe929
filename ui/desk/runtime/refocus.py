"""Give the keyboard back to the main window when a dialog over it closes, with or without a window manager.

On X11 it is the window manager that activates a dialog's parent when the dialog closes.  A kiosk
session runs the station without one: after the login dialog, the "Save as PDF" file dialog or a message
box closed, no window of the station was active any more.  Typed characters still reached the focused
field, but Qt matches shortcuts only for the active window, so F8, Enter in the forms, Ctrl+P and Ctrl+Q
did nothing.  Qt does not even report the focus as lost when the dialog is deleted on closing, so this
watches the main window instead: every dialog over it is modal, and when the last one closes the window
receives ``WindowUnblocked``.  If by then no window of the station has the focus, it asks for it — what
a window manager would have done; with one, the request changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


class Refocus(QObject):
    """An event filter on the main window only (installed by ``ui.desk.app.run_gui``): costs nothing else."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowUnblocked:
            QTimer.singleShot(0, self._restore)  # once the dialog has finished closing
        return False

    def _restore(self) -> None:
        window = self._window
        if QGuiApplication.focusWindow() is None and window.isVisible() and not window.isMinimized():
            window.activateWindow()
