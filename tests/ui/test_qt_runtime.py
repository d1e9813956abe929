"""Guards against a Qt binding that corrupts the interpreter during a long day at the counter.

PySide6 6.12.0 on Python 3.11 drops a reference to ``True`` on every signal emission and to ``None`` on
every void call; after a few thousand readings or key presses Python aborts.  These checks run in a
separate process so that a broken binding fails this test instead of killing the whole test run.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
class Source(QObject):
    fired = Signal(int)
source = Source()
source.fired.connect(lambda value: None)
before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(500):
    label.setText("36.6")
    source.fired.emit(1)
print(sys.getrefcount(None) - before_none, sys.getrefcount(True) - before_true)
"""


def test_signals_and_void_calls_keep_reference_counts() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lost_none, lost_true = (int(v) for v in result.stdout.split())
    # A few references may move with caches; hundreds lost means the binding is broken.
    assert lost_none > -50 and lost_true > -50, (lost_none, lost_true)
