"""ID card reader and scanner at the counter, measured on the real pharmacy screen (called by
``bench/bench_idcard.py``; kept apart so that module's device-only figures stay small).

* **pty frame → filled form.**  A simulated reader (manual mode, no corruption) serves a pty; the desk's
  :class:`~ui.desk.idcard.controller.CardReaderController` reads it through pyserial on its session
  thread, the card crosses to the GUI thread, the read is logged on the database worker (an encrypted
  SQLite file, as at a counter) and the pharmacy form is filled.  Timed from the read reply's
  ``os.write`` to the ``card_filled`` signal, beside the raw ``os.read`` of the same 1295 bytes.
* **Keys and seconds of operator time.**  The registration fields a card fills (name, document, ID
  number, address) and one medicine, entered three ways on the same form: typed (the baseline), by the
  card reader, by the reader plus a barcode scan.  Keys are counted while the form is driven; a Chinese
  character committed by the input method counts as one key, a lower bound (pinyin takes 2–6).  Seconds
  for typing are the keystroke-level model's estimate (0.28 s per key, Card, Moran & Newell's average
  skilled typist), not a measurement; for the card and the scan they are measured on this machine with
  the reader's production poll interval (card placed → form filled) and the scanner's 4 ms per key
  (first key → line added), and exclude the hand moving the card or the scanner.
* **Unplug and replug** of the reader, as the status bar reports them, on the same counter
  (``bench/idcard_replug.py``).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Figure, median, percentile
from devices.idcard import frame
from devices.idcard.reader import ReaderConfig
from devices.idcard.simulator import SAMPLE_CARDS, card_pty

READ_REPLY = frame.PREAMBLE + bytes.fromhex("0508")
KLM_KEY_S = 0.28
SCANNER_KEY_S = 0.004
TIMEOUT_S = 20.0


def _wait(app: Any, done: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"idcard form bench: {what} did not happen within {timeout:g} s")
        app.processEvents()
        time.sleep(0.0005)


class _Counter:
    """A pharmacy screen on a new database, a pharmacist logged in, a reader controller on its form."""

    def __init__(self, folder: Path) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from fever_desk.accounts import Operator, Role
        from fever_desk.drugs import Drug, save_catalogue, user_catalogue_path
        from fever_desk.pharmacy import DrugCategory
        from fever_desk.settings import Settings, save_settings
        from ui.desk.idcard.controller import CardReaderController
        from ui.desk.pharmacy.screen import PharmacyScreen
        from ui.desk.runtime.workers import Worker
        from ui.desk.station import Station
        from ui.services.database import Database

        self.app = QApplication.instance() or QApplication(["fever-desk-bench"])
        settings = Settings(institution="基准药房", operator="基准药师")
        settings_path = folder / "config" / "settings.json"
        save_settings(settings, settings_path)
        self.drug = Drug("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, "盒", "6901234567892")
        save_catalogue([self.drug], user_catalogue_path(settings_path))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        self.worker: Any = Worker(lambda: Database(url))
        self.station = Station(settings, settings_path, self.worker, str)
        self.station.operator = Operator(uuid.uuid4(), "bench", "基准药师", Role.PHARMACIST)
        self.screen = PharmacyScreen(self.station)
        self.screen.resize(1200, 900)
        self.screen.show()
        ready: list[bool] = []
        self.worker.context_ready.connect(lambda *_a: ready.append(True))
        self.worker.start()
        _wait(self.app, lambda: bool(ready), "the database")
        self.form = self.screen.form
        self.controller = CardReaderController(self.station)
        self.controller.form = self.form
        self.filled: list[float] = []
        self.controller.card_filled.connect(lambda *_a: self.filled.append(time.perf_counter()))

    def close(self) -> None:
        self.controller.stop()
        self.worker.stop()
        self.screen.close()
        self.screen.deleteLater()


def _form_latency(counter: _Counter, samples: int, interval: float) -> tuple[list[float], list[float]]:
    """(read reply written → form filled, card placed → form filled), seconds, one per card."""
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    written: list[float] = []
    lock = threading.Lock()

    def on_write(data: bytes, at: float) -> None:
        if data.startswith(READ_REPLY):
            with lock:
                written.append(at)

    sim.on_write = on_write
    counter.controller.bridge.start(ReaderConfig(port=sim.path, options={"interval": interval}))
    to_form: list[float] = []
    placed_to_form: list[float] = []
    try:
        _wait(counter.app, lambda: counter.controller.status_widget.state == "connected", "the reader")
        for index in range(samples):
            with lock:
                written.clear()
            before = len(counter.filled)
            placed = time.perf_counter()
            responder.present(SAMPLE_CARDS[index % 3])  # the three cards still valid
            _wait(counter.app, lambda b=before: len(counter.filled) > b, "a filled form")
            with lock:
                sent = written[-1]
            to_form.append(counter.filled[-1] - sent)
            placed_to_form.append(counter.filled[-1] - placed)
            counter.form.clear()
            responder.remove()
            finds = responder.finds
            _wait(counter.app, lambda f=finds: responder.finds > f + 1, "an empty poll")
    finally:
        counter.controller.bridge.stop()
        sim.unplug()
    return to_form, placed_to_form


def _typed_keys(counter: _Counter) -> int:
    """Name, document (already "resident ID": one Tab), ID, address and one medicine, as keys."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    card = SAMPLE_CARDS[0]
    keys = 0

    def commit(text: str) -> None:
        nonlocal keys
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(QApplication.focusWidget(), event)
        keys += len(text)  # one key per character: a lower bound for pinyin

    def key(k: Qt.Key) -> None:
        nonlocal keys
        QTest.keyClick(QApplication.focusWidget(), k)
        keys += 1

    counter.form.clear()
    counter.form.name.setFocus()
    commit(card.name)
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    for char in card.id_number:
        key(getattr(Qt.Key, f"Key_{char}"))
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)  # past the phone, typed either way
    commit(card.address)
    counter.form.drugs.drug.setFocus()
    commit(counter.drug.name)
    key(Qt.Key.Key_Return)
    form = counter.form
    assert (form.name.text(), form.id_number.text(), form.address.text()) == (
        card.name,
        card.id_number,
        card.address,
    ), "the typed registration did not reach the form"
    assert form.drugs.line_count() == 1
    counter.form.clear()
    return keys


def _scan_seconds(counter: _Counter) -> float:
    """Thirteen digits and Enter at the scanner's pace into the form; seconds until the line is added."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    counter.form.clear()
    counter.form.name.setFocus()
    counter.app.processEvents()
    time.sleep(0.2)  # the pharmacist's last key is long past
    started = time.perf_counter()
    for char in counter.drug.barcode:
        QTest.keyClick(counter.form.name, getattr(Qt.Key, f"Key_{char}"), delay=int(SCANNER_KEY_S * 1000))
    QTest.keyClick(counter.form.name, Qt.Key.Key_Return, delay=int(SCANNER_KEY_S * 1000))
    _wait(counter.app, lambda: counter.form.drugs.line_count() == 1, "the scanned line")
    seconds = time.perf_counter() - started
    assert counter.form.name.text() == "", "the scan left digits in the field"
    counter.form.clear()
    return seconds


def figures(samples: int, baseline_ms: list[float]) -> list[Figure]:
    """The figures of the module docstring; ``baseline_ms`` is the raw pty read of the same run."""
    from bench.common import own_station_while

    # the database key of the bench's files stays with them, also when run alone; put back for a test
    with own_station_while(), tempfile.TemporaryDirectory(prefix="fever-desk-idcard-bench-") as folder:
        counter = _Counter(Path(folder))
        try:
            to_form, _ = _form_latency(counter, samples, 0.01)
            _, placed = _form_latency(counter, min(samples, 20), 0.25)  # the production poll interval
            typed = _typed_keys(counter)
            scan = _scan_seconds(counter)
            from bench.idcard_replug import figures as replug_figures

            replug = replug_figures(counter)
        finally:
            counter.close()
    ms = [s * 1000 for s in to_form]
    read_s = median(placed)
    return [
        Figure(
            "idcard: pty read reply → filled form, median",
            median(ms),
            "ms",
            "raw os.read of the 1295 bytes, median",
            median(baseline_ms),
            "≤ 1000 ms (issue: within 1 s)",
        ),
        Figure(
            "idcard: pty read reply → filled form, p95",
            percentile(ms, 95),
            "ms",
            "raw os.read of the 1295 bytes, p95",
            percentile(baseline_ms, 95),
            "≤ 1000 ms",
        ),
        Figure(
            "registration by card + scan, keys",
            0,
            "key",
            "typed (IME chars as 1 key)",
            typed,
            "fewer than typed",
        ),
        Figure(
            "registration by card + scan, s",
            read_s + scan,
            "s",
            "typed, 0.28 s/key estimate",
            typed * KLM_KEY_S,
            "less than typed",
        ),
        Figure(
            "idcard: card placed → filled form (poll 0.25 s), median",
            read_s,
            "s",
            "typing name, ID, address: estimate",
            (typed - len(counter.drug.name) - 1) * KLM_KEY_S,
            "≤ 1 s",
        ),
        *replug,
    ]
