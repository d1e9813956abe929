"""A screen's own shortcuts kept working while the keyboard is in one of its text fields.

On a Linux desktop (the xcb platform) a line edit takes the emacs-style keys of
``QKeySequence.MoveToEndOfLine`` and friends, Ctrl+E among them: it accepts their ``ShortcutOverride``
and the screen's shortcut never fires.  The County screen puts the keyboard in its date field, so its
Ctrl+E (export XLSX) did nothing at a real display — seen only by the Xvfb test
(``tests/e2e/test_county_desk.py``); the offscreen platform has no such binding, so no in-process test
could.  End still moves to the end of the line.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget


class _ScreenKeysFirst(QObject):
    def __init__(self, keys: list[QKeySequence], parent: QObject) -> None:
        super().__init__(parent)
        self.keys = keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        override = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if override and QKeySequence(event.keyCombination()) in self.keys:
            event.ignore()  # not taken by the field: the shortcut map tries the screen's shortcut
            return True
        return False


def screen_keys_first(editors: Iterable[QWidget], keys: Iterable[str]) -> None:
    """Let ``keys`` (e.g. ``"Ctrl+E"``) reach the screen's shortcuts while any of ``editors`` has focus."""
    sequences = [QKeySequence(key) for key in keys]
    for editor in editors:
        editor.installEventFilter(_ScreenKeysFirst(sequences, editor))
