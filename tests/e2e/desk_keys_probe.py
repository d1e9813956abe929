"""Run on a real X server (``QT_QPA_PLATFORM=xcb``): does each desk key reach its shortcut from a text field?

Started by ``tests/e2e/test_desk_keys_xcb.py`` as ``python -m tests.e2e.desk_keys_probe [--desk-filter]``
with ``DISPLAY`` set.  Keys are sent through the X server (``xdotool`` → XTest), as a keyboard's are, to a
window holding one text field of each kind the desk uses; each key has a ``QShortcut`` on the field's
screen (``WidgetWithChildrenShortcut``, as the desk's screens bind theirs).  Prints one JSON object:
the platform, the keys whose shortcut did not fire per field kind, and what the field's own Ctrl keys did
with no shortcut bound.  ``--desk-filter`` installs what ``ui.desk.app.run_gui`` installs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

DESK = Path(__file__).resolve().parents[2] / "ui" / "desk"
_COMMAND = ("Ctrl+", "Alt+", "Meta+")
MODIFIER_KEYS = (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta)


def desk_keys() -> list[str]:
    """Every Ctrl/Alt/Meta key the desk's sources bind (literals, standard keys as this platform reads them).

    Read from the sources so that a shortcut added tomorrow is checked too.
    """
    keys: set[str] = set()
    for path in DESK.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "QShortcut" not in text and "setShortcut" not in text:
            continue
        for literal in re.findall(r'"((?:(?:Ctrl|Alt|Shift|Meta)\+)+[^"\s+]+)"', text):
            keys.add(QKeySequence(literal).toString())
        for name in re.findall(r"QKeySequence\.StandardKey\.(\w+)", text):
            for binding in QKeySequence.keyBindings(getattr(QKeySequence.StandardKey, name)):
                keys.add(binding.toString())
    return sorted(key for key in keys if key.startswith(_COMMAND))


def every_ctrl_letter() -> list[str]:
    """A shortcut the desk may bind next: any Ctrl+letter."""
    return [f"Ctrl+{chr(c)}" for c in range(ord("A"), ord("Z") + 1)]


def xdotool_name(key: str) -> str:
    *mods, last = key.split("+")
    names = {"Ctrl": "ctrl", "Alt": "alt", "Shift": "shift", "Meta": "super"}
    symbols = {",": "comma", ".": "period", "-": "minus"}
    return "+".join([*(names[m] for m in mods), symbols.get(last, last.lower())])


class Arrivals(QObject):
    """Counts the (non-modifier) key releases Qt has seen: the press before each one has been handled."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyRelease or not isinstance(event, QKeyEvent):
            return False
        if not event.isAutoRepeat() and event.key() not in MODIFIER_KEYS:
            self.count += 1
        return False


def press(arrivals: Arrivals, key: str) -> None:
    """The key through the X server, then wait until Qt has seen it released (its press is handled)."""
    before = arrivals.count
    subprocess.run(["xdotool", "key", "--clearmodifiers", xdotool_name(key)], check=True, timeout=30)
    deadline = time.monotonic() + 10
    while arrivals.count == before and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.002)
    for _ in range(5):
        QApplication.processEvents()


def fields() -> dict[str, Callable[[], QWidget]]:
    def combo() -> QWidget:
        box = QComboBox()
        box.setEditable(True)
        return box

    return {
        "QLineEdit": lambda: QLineEdit("abcdef"),
        "QDateEdit": QDateEdit,
        "QSpinBox": QSpinBox,
        "QComboBox (editable)": combo,
        "QPlainTextEdit": lambda: QPlainTextEdit("abcdef"),
    }


def show(field: QWidget) -> QWidget:
    screen = QWidget()
    QVBoxLayout(screen).addWidget(field)
    screen.show()
    screen.activateWindow()
    if not QTest.qWaitForWindowActive(screen, 10000):
        raise SystemExit("the probe's window never became active")
    field.setFocus()
    QApplication.processEvents()
    return screen


def dead_shortcuts(arrivals: Arrivals, make: Callable[[], QWidget], keys: list[str]) -> list[str]:
    field = make()
    screen = show(field)
    fired: list[str] = []
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), screen)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda key=key: fired.append(key))
    dead = []
    for key in keys:
        field.setFocus()
        press(arrivals, key)
        if key not in fired:
            dead.append(key)
    screen.close()
    screen.deleteLater()
    return dead


def own_keys(arrivals: Arrivals) -> dict[str, str]:
    """With no shortcut bound, the line edit's own Ctrl keys still edit (the filter hands them back)."""
    field = QLineEdit()
    screen = show(field)
    seen: dict[str, str] = {}
    field.setText("abcdef")
    field.setCursorPosition(0)
    press(arrivals, "Ctrl+E")
    seen["Ctrl+E cursor"] = str(field.cursorPosition())
    press(arrivals, "Ctrl+A")
    seen["Ctrl+A selected"] = field.selectedText()
    press(arrivals, "Ctrl+C")
    press(arrivals, "Ctrl+U")
    seen["Ctrl+U text"] = field.text()
    press(arrivals, "Ctrl+V")
    seen["Ctrl+V text"] = field.text()
    press(arrivals, "Ctrl+Z")
    seen["Ctrl+Z text"] = field.text()
    screen.close()
    return seen


def main() -> None:
    app = QApplication(sys.argv[:1])
    if "--desk-filter" in sys.argv:
        from ui.desk.widgets.screen_keys import desk_keys_first

        desk_keys_first(app)
    arrivals = Arrivals()
    app.installEventFilter(arrivals)
    desk = desk_keys()
    keys = sorted(set(desk) | set(every_ctrl_letter()))
    dead = {name: dead_shortcuts(arrivals, make, keys) for name, make in fields().items()}
    print(json.dumps({"platform": app.platformName(), "desk": desk, "dead": dead, "own": own_keys(arrivals)}))


if __name__ == "__main__":
    main()
