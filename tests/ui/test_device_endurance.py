"""A thermometer polled twice a second delivers ~7,000 readings a working hour; the desk must survive them.

Runs in a subprocess because the failure it guards against is an interpreter abort, not an exception:
PySide6 6.12.0 drops a reference to ``None`` on every call of a C++ method returning void (and to
``True`` on every ``Signal.emit``).  On CPython 3.11 those singletons are mortal, so after ~900 readings
through bridge → controller → form the process dies with "Fatal Python error: none_dealloc".  On CPython
3.12+ they are immortal and the bug is harmless.  The xfail is strict: when the runtime is fixed (newer
PySide6 or Python), this test starts passing and the marker must go.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6 import __version__ as pyside_version

ROOT = Path(__file__).resolve().parents[2]
READINGS = 3000

SCRIPT = f"""
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from devices.base import make_reading
from fever_desk.guidelines import get_guideline
from fever_desk.model import MeasureMode
from fever_desk.triage import FeverRule
from ui.desk.thermometer.bridge import DeviceBridge, _Delivery
from ui.desk.thermometer.controller import DeviceController
from ui.desk.screening.form import ScreeningForm

app = QApplication([])
form = ScreeningForm(get_guideline("national-v5-outside-hubei"), FeverRule())
bridge = DeviceBridge()
controller = DeviceController(form, bridge=bridge)
for i in range({READINGS}):
    reading = make_reading(36.2 + (i % 9) / 10 if i % 4 else 31.0, MeasureMode.BODY, b"")
    QCoreApplication.postEvent(bridge, _Delivery(bridge._generation, reading))
    app.processEvents()
print(form.temperature.text())
"""

KNOWN_BAD = sys.version_info < (3, 12) and pyside_version == "6.12.0"


@pytest.mark.slow
@pytest.mark.xfail(KNOWN_BAD, reason="PySide6 6.12.0 refcount bug aborts CPython 3.11", strict=True)
def test_thousands_of_readings_do_not_abort_the_desk() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    last = 36.2 + ((READINGS - 1) % 9) / 10  # the last reading is plausible (index not divisible by 4)
    assert result.stdout.strip() == f"{last:.1f}"
