"""Thermometer latency to the GUI thread: from the last byte written on a pty to the reading in Qt.

The simulator serves the master end of a pty and timestamps each reply just before ``os.write``; a
:class:`~ui.desk.thermometer.bridge.DeviceBridge` reads the slave end through pyserial exactly as it reads a
USB thermometer and hands each reading to the GUI thread through a queued signal.  Three timestamps are
taken for every reading, so the figures are paired on the same samples:

* the plain session callback on the session thread (the baseline: the device path without Qt),
* a slot of a QObject living in the main thread, connected before the form (delivery on the GUI thread),
* a slot connected after :class:`~ui.desk.thermometer.controller.DeviceController`, i.e. once the screening
  form's field is filled and its outcome refreshed (what the nurse sees).

The QApplication runs offscreen; the main thread spins a real event loop.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from bench.common import Figure, median, percentile
from devices.base import Item, Reading
from devices.registry import DeviceConfig
from devices.session import DeviceSession, SessionStatus
from devices.simulator import PtySimulator
from fever_desk.guidelines import get_guideline
from fever_desk.triage import FeverRule
from ui.desk.screening.form import ScreeningForm
from ui.desk.thermometer.bridge import DeviceBridge, Session
from ui.desk.thermometer.controller import DeviceController

SAMPLES = 200
TIMEOUT_S = 30.0


class _Stamps:
    """Write times per frame (FIFO, frames can repeat) and the three delivery times per reading."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.written: dict[bytes, list[float]] = {}
        self.sent: dict[int, float] = {}
        self.callback: dict[int, float] = {}

    def on_write(self, data: bytes, at: float) -> None:
        with self.lock:
            self.written.setdefault(data.rstrip(b"\r\n"), []).append(at)

    def on_callback(self, item: Item) -> None:
        now = time.perf_counter()
        if not isinstance(item, Reading):
            return
        with self.lock:
            stamps = self.written.get(item.raw)
            if stamps:
                self.sent[id(item)] = stamps.pop(0)
                self.callback[id(item)] = now


class _Receiver(QObject):
    """A slot in the main thread; records (sent, callback, delivered) triples until ``samples`` are in."""

    def __init__(self, stamps: _Stamps, samples: int, done: Callable[[], None]) -> None:
        super().__init__()
        self.stamps = stamps
        self.samples = samples
        self.done = done
        self.rows: dict[int, tuple[float, float, float]] = {}

    @Slot(object)
    def on_reading(self, reading: Reading) -> None:
        now = time.perf_counter()
        with self.stamps.lock:
            sent = self.stamps.sent.get(id(reading))
            callback = self.stamps.callback.get(id(reading))
        if sent is None or callback is None or len(self.rows) >= self.samples:
            return
        self.rows[id(reading)] = (sent, callback, now)
        if len(self.rows) >= self.samples:
            self.done()


def _measure(protocol: str, options: dict, samples: int) -> tuple[list[float], list[float], list[float]]:
    """(pty→callback, pty→GUI slot, pty→form filled) in ms, paired on the same readings."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert app is not None
    stamps = _Stamps()
    loop = QEventLoop()

    def factory(
        config: DeviceConfig, on_item: Callable[[Item], None], on_status: Callable[[SessionStatus], None]
    ) -> Session:
        def timed(item: Item) -> None:
            stamps.on_callback(item)
            on_item(item)

        return DeviceSession(config, timed, on_status)

    sim = PtySimulator(protocol, {"seed": 1, "stream_interval": 0.01}, on_write=stamps.on_write)
    bridge = DeviceBridge(session_factory=factory)
    gui = _Receiver(stamps, samples, lambda: None)
    bridge.reading.connect(gui.on_reading)
    form = ScreeningForm(get_guideline("national-v5-outside-hubei"), FeverRule())
    controller = DeviceController(form, bridge=bridge)
    filled = _Receiver(stamps, samples, loop.quit)
    bridge.reading.connect(filled.on_reading)
    QTimer.singleShot(int(TIMEOUT_S * 1000), loop.quit)
    try:
        bridge.start(DeviceConfig(protocol, sim.path, options=options))
        loop.exec()
    finally:
        controller.stop()
        sim.unplug()
    if len(filled.rows) < samples:
        raise RuntimeError(f"{protocol}: only {len(filled.rows)} readings in {TIMEOUT_S} s")
    keys = [k for k in filled.rows if k in gui.rows]
    to_callback = [(filled.rows[k][1] - filled.rows[k][0]) * 1000 for k in keys]
    to_gui = [(gui.rows[k][2] - gui.rows[k][0]) * 1000 for k in keys]
    to_form = [(filled.rows[k][2] - filled.rows[k][0]) * 1000 for k in keys]
    form.deleteLater()
    return to_callback, to_gui, to_form


def run() -> list[Figure]:
    figures: list[Figure] = []
    for protocol, options in (("lu90614", {"interval": 0.01}), ("ascii", {})):
        base, gui, form = _measure(protocol, options, SAMPLES)
        for label, fn, target in (
            ("median", median, "≤ 5 ms"),
            ("p95", lambda s: percentile(s, 95), "≤ 20 ms"),
        ):
            figures.append(
                Figure(
                    f"device {protocol}: pty write → GUI slot, {label}",
                    fn(gui),
                    "ms",
                    f"session callback (no Qt), {label}",
                    fn(base),
                    target,
                )
            )
            figures.append(
                Figure(
                    f"device {protocol}: pty write → form filled, {label}",
                    fn(form),
                    "ms",
                    f"session callback (no Qt), {label}",
                    fn(base),
                    target,
                )
            )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
