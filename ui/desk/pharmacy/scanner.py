"""A keyboard-wedge barcode scanner on the pharmacy form: a burst of digits and Enter adds the drug.

The scanner is a keyboard, so its digits land in whichever field has the cursor, and only its speed says
it was not a person (``fever_desk.barcode.BurstDetector``; the gap is the ``scanner_max_gap_ms``
setting).  The filter watches key presses inside the form (an application event filter: the key goes to
the focused field, not to the form), lets every digit through as typed, and when Enter closes a burst
fast enough to be a scan, holding a whole EAN-13 or EAN-8 code (``fever_desk.barcode.is_scannable``), it

* puts the field back as it was before the burst's first digit (so a scan while the cursor is in the
  phone field leaves the phone number as typed, and one on a yes/no question, where 1 and 0 are
  answers, leaves the answer as it was),
* swallows that Enter (which would otherwise save the form or add the medicine being typed), and
* emits ``scanned`` with the code.

Digits typed by a person are never touched: a slower key anywhere ends the burst.  Only the focus
widget's copy of a key counts: a key a widget ignores (a digit on a yes/no question) travels on to its
parents, and counting each copy would double the burst's digits.

``clock`` is injectable so that tests drive the timing with a fake clock, key by key.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from fever_desk.barcode import BurstDetector, is_scannable

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ScannerFilter(QObject):
    """Installed on the application for as long as ``scope`` lives; see the module docstring."""

    scanned = Signal(str)

    def __init__(self, scope: QWidget, max_gap_ms: int, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(scope)
        self.scope = scope
        self.clock = clock
        self.detector = BurstDetector(max_gap_s=max_gap_ms / 1000)
        self._before: Callable[[], None] | None = None  # puts the field back as before the burst
        self._swallow_enter = False
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_max_gap_ms(self, value: int) -> None:
        self.detector.max_gap_s = max(1, value) / 1000

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if watched is not QApplication.focusWidget() or not self._inside(watched):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in _ENTER:
            # The form's Enter is a shortcut, decided on ShortcutOverride before the key press arrives.
            if self._swallow_enter:
                if kind is QEvent.Type.KeyPress:
                    self._swallow_enter = False
                event.accept()
                return True
            code = self.detector.enter(self.clock()) if self.detector.digits else None
            if code is None or not is_scannable(code):
                return False
            self._undo_burst()
            self._swallow_enter = kind is QEvent.Type.ShortcutOverride
            event.accept()
            self.scanned.emit(code)
            return True
        if kind is not QEvent.Type.KeyPress:
            return False
        text = event.text()
        if len(text) == 1 and text.isascii() and text.isdigit():
            if self.detector.digit(text, self.clock()):
                self._remember(watched)
        elif key not in (Qt.Key.Key_Shift, Qt.Key.Key_unknown):
            self.detector.other_key()
            self._before = None
        return False

    def _inside(self, widget: QObject) -> bool:
        return widget is self.scope or self.scope.isAncestorOf(widget)

    def _remember(self, widget: QWidget) -> None:
        self._before = None
        edit = widget if isinstance(widget, QLineEdit) else widget.findChild(QLineEdit)
        if edit is not None:
            text, cursor = edit.text(), edit.cursorPosition()

            def restore_text() -> None:
                edit.setText(text)
                edit.setCursorPosition(cursor)

            self._before = restore_text
            return
        value, set_value = getattr(widget, "value", None), getattr(widget, "set_value", None)
        if callable(value) and callable(set_value):  # a ChoiceField: 1 and 0 answer yes and no
            answer = value()
            self._before = lambda: set_value(answer)

    def _undo_burst(self) -> None:
        restore, self._before = self._before, None
        if restore is not None:
            restore()
