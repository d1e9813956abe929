"""After a dialog over the window closes, the window has the keyboard again, window manager or not.

Offscreen, as on X11 without a window manager, nothing re-activates a closed dialog's parent: without
``ui.desk.runtime.refocus`` the window stays inactive and its shortcuts (Ctrl+Q here; F8 and Enter in the
forms) are never matched, although typed characters still arrive.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMessageBox

from ui.desk.runtime.refocus import Refocus


def test_the_window_takes_the_keyboard_back_when_a_deleted_dialog_closes(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    field = QLineEdit(window)
    window.setCentralWidget(field)
    quit_action = QAction(window)
    quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    window.addAction(quit_action)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    Refocus(window)
    box = QMessageBox(window)
    box.setText("saved")
    box.open()  # window-modal, as the station's dialogs
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=5000)
    box.done(0)
    box.deleteLater()  # as the file dialog is: Qt then never reports the focus as lost
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    with qtbot.waitSignal(quit_action.triggered, timeout=2000):
        QTest.keyClick(field, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
