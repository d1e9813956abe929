"""The desk's shortcuts keep working while the keyboard is in a text field: one filter for the application.

On a Linux desktop (the xcb platform) a line edit takes some emacs-style keys of its platform key bindings
— Ctrl+E (``QKeySequence.MoveToEndOfLine``) and Ctrl+U (``DeleteCompleteLine``) with Qt 6 — by accepting
their ``ShortcutOverride``: the shortcut map is then never asked, and the screen's own shortcut with that
key never fires.  The County screen's Ctrl+E (export XLSX, keyboard in the date field) and the observation
grid's Ctrl+E (export, keyboard in a reading's temperature field) were dead at a real display; the
offscreen platform has no such binding, so only a test on a real X server sees it
(``tests/e2e/test_desk_keys_xcb.py``, ``tests/e2e/test_county_desk.py``).

The rule, for every text field of every window, present and future: a key with Ctrl, Alt or Meta is not
claimed by the field in ``ShortcutOverride``, so Qt's shortcut map decides with its own context rules.
When an enabled shortcut or action with exactly that key is reachable where the keyboard is, it fires;
when none is, Qt delivers the key to the field as an ordinary key press and the field does what it always
did (Ctrl+E to the end of the line, Ctrl+A/C/V/X/Z, Ctrl+arrows).  So the field keeps its own keys unless
the desk really binds them — no list of keys to keep up to date.  Keys without those modifiers (typed
text, arrows, Home/End, Backspace) are left alone: a single-letter shortcut such as the worklist's ``R``
must not eat an ``R`` typed into a field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

#: Widgets whose ``ShortcutOverride`` claims editing keys (a spin box or date edit and an editable combo
#: box pass it to their line edit).
TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)

_COMMAND = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


class DeskKeysFirst(QObject):
    """Application event filter: a text field never claims a Ctrl/Alt/Meta key before the shortcut map."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, TEXT_FIELDS):
            return False
        if not isinstance(event, QKeyEvent) or not event.modifiers() & _COMMAND:
            return False
        event.ignore()  # not claimed: the shortcut map tries it; the field gets the key press if none fires
        return True


def desk_keys_first(app: QApplication) -> DeskKeysFirst:
    """Install the filter once, on the application (the composition root calls this); it lives as long."""
    keys = DeskKeysFirst(app)
    app.installEventFilter(keys)
    return keys
