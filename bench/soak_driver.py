"""The hands and the stopwatch of the soak (``bench.bench_soak``): keys into the real desk, and a probe.

Everything here goes through the station as a user meets it: keys pressed into the focused widget of
the real window (``ui.app.build_window``, its real database worker and slip worker), Chinese committed
the way an input method commits it, Ctrl+P for a slip.  Waiting never spins: a local event loop runs
until the condition holds, so the worker threads get the CPU (and the GIL) as they would at a desk.
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fever_desk.identity import check_digit

Key = Qt.Key
PROBE_MS = 10
BUCKETS = 5000  # 1 ms each; a tick later than 5 s lands in the last
_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu")
_GIVEN = ("Fang", "Wei", "Min", "Jing", "Lei", "Yan", "Tao", "Hui", "Qiang", "Xiu")


class LatenessProbe(QObject):
    """A 10 ms timer on the GUI thread; how late each tick comes is how long the GUI thread was busy.

    Each tick is counted in a histogram (1 ms buckets) of the window of saves being worked on, so a slow
    stretch of the day shows as a slow window.  Beside the lateness, a second histogram holds the GUI
    thread's own CPU time over the same interval: on a machine shared with other loads a tick is also
    late because the process did not get a CPU, which the wall clock cannot tell from the desk's own
    work.  (Time spent waiting for the GIL counts in neither: the worker threads' Python code blocks the
    GUI that way, so it stays in the wall-clock figure.)  The histograms are made before the day starts,
    so measuring adds nothing to the memory the soak watches grow."""

    def __init__(self) -> None:
        super().__init__()
        self.current = 0
        self.window = 1
        self.late: list[array[int]] = []
        self.work: list[array[int]] = []
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def start(self, saves: int, window: int) -> None:
        """Measure a run of ``saves`` saves, in windows of ``window`` saves."""
        windows = -(-saves // window)
        self.current, self.window = 0, window
        self.late = [array("l", bytes(8 * BUCKETS)) for _ in range(windows)]
        self.work = [array("l", bytes(8 * BUCKETS)) for _ in range(windows)]
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        late = max(0.0, (now - self._last) * 1000.0 - PROBE_MS)
        busy = min(late, max(0.0, (cpu - self._last_cpu) * 1000.0))
        self._last, self._last_cpu = now, cpu
        index = min(self.current // self.window, len(self.late) - 1)
        self.late[index][min(int(late), BUCKETS - 1)] += 1
        self.work[index][min(int(busy), BUCKETS - 1)] += 1


class Stamp:
    """Connected to a signal: how often it came and when last, without a list that grows all day."""

    def __init__(self) -> None:
        self.count = 0
        self.at = 0.0
        self.cpu_at = 0.0

    def __call__(self, *_args: object) -> None:
        self.count += 1
        self.at = time.perf_counter()
        self.cpu_at = time.process_time()


def histogram_percentile(histogram: array[int], pct: float) -> float:
    """The ``pct`` percentile of a 1 ms histogram, as the bucket's upper edge (ms); 0 when empty."""
    total = sum(histogram)
    if not total:
        return 0.0
    wanted, seen = total * pct / 100.0, 0
    for bucket, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return float(bucket + 1)
    return float(BUCKETS)


def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Run the event loop (sleeping between events) until ``condition()``; TimeoutError after the limit."""
    if condition():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(1)
    check.timeout.connect(lambda: condition() and loop.quit())
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    check.start()
    limit.start(int(timeout_s * 1000))
    loop.exec()
    check.stop()
    limit.stop()
    if not condition():
        raise TimeoutError("the desk did not get there in time")


def pause(ms: int) -> None:
    """Let the event loop run for ``ms`` (the second a nurse takes between two patients)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    if widget is None:
        raise RuntimeError("nothing has keyboard focus")
    return widget


def keyboard() -> QWidget:
    """Where a key goes: an open popup first (the window system gives it the keyboard, and a completer's
    popup hands the line edit what it does not handle itself), else the focused widget.

    Keys sent straight to the medicine field while the catalogue's completer popup was open never closed
    the popup: it stayed open all day, and each return of the focus to the field connected the completer
    to it once more (3,300 live connections after 3,300 focus changes, Qt 6.11), a growth no keyboard
    can cause."""
    return QApplication.activePopupWidget() or focused()


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(keyboard(), k, modifier)
    between_keys()


def type_text(text: str) -> None:
    for char in text:
        QTest.keyClicks(keyboard(), char)
        between_keys()


def commit(text: str) -> None:
    """Chinese as an input method delivers it (QTest types ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(focused(), event)
    between_keys()


def between_keys() -> None:
    """A keyboard's keys arrive one event-loop turn apart: let timers and queued results in between.

    QTest delivers a key synchronously; typing a whole patient without returning to the event loop
    would show as lateness the desk never causes (only the handling of each key is the desk's)."""
    QApplication.processEvents()


def resident_id(n: int) -> str:
    """A distinct valid GB 11643 number for the n-th purchaser (birth dates a week apart)."""
    born = date(1950, 1, 1) + timedelta(days=7 * (n % 3000))
    first17 = f"430102{born:%Y%m%d}{n % 1000:03d}"
    return first17 + check_digit(first17)


def type_patient(n: int) -> None:
    """A routine patient at the desk, as the README's key list says: name, sex, age, phone, temperature,
    F8 for every question not yet answered.  Every tenth has a fever (and so a fever-clinic outcome)."""
    type_text(f"{_SURNAMES[n % 10]} {_GIVEN[(n // 10) % 10]}")
    key(Key.Key_Tab)
    key(Key.Key_1 if n % 2 else Key.Key_2)
    key(Key.Key_Tab)
    type_text(str(18 + n % 60))
    key(Key.Key_Tab)
    type_text(f"139{n:08d}")
    key(Key.Key_Tab)
    type_text("38.2" if n % 10 == 0 else "36.6")
    key(Key.Key_F8)


def type_purchaser(n: int) -> None:
    """A routine purchaser at the pharmacy counter: a distinct person each time (no repeat to confirm)."""
    commit("王建国")
    key(Key.Key_Tab)
    key(Key.Key_Tab)
    type_text(resident_id(n))
    key(Key.Key_Tab)
    type_text(f"138{n:08d}")
    key(Key.Key_Tab)
    commit("城关镇幸福路1号")
    key(Key.Key_Tab)
    key(Key.Key_Tab)
    type_text("36.6")
    key(Key.Key_F8)  # every question asked: the rest are "no"; focus moves to the medicine
    commit("布洛芬缓释胶囊")
    key(Key.Key_Tab)
    type_text("\b2")
    key(Key.Key_Return)  # adds the medicine line; the next Enter saves


def rss_bytes() -> int:
    """Resident memory now (Linux /proc; elsewhere the peak, which can only overstate growth)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _sqlite_memory_used() -> Callable[[], int]:
    """SQLCipher's own heap (``sqlite3_memory_used``: every connection's page cache, its statements):
    the part of RSS that fills towards ``db.cipher.CACHE_KIB`` per connection as the file grows, and
    stops there.  0 when the library does not export it."""
    import ctypes

    try:
        from sqlcipher3 import _sqlite3  # type: ignore[attr-defined]

        used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return lambda: 0
    used.restype = ctypes.c_int64
    return lambda: int(used())


sqlite_bytes = _sqlite_memory_used()


@dataclass
class Run:
    """One counter's soak: per save, Enter → confirmed save (ms, and the CPU time all the process's
    threads spent meanwhile), RSS and SQLCipher's heap after it (arrays made before the day starts);
    per window of saves, the timer's lateness p99 and the GUI thread's CPU p99."""

    latencies: array[float]
    rss: array[int]
    window: int
    sqlite: array[int] = field(default_factory=lambda: array("q"))
    cpu: array[float] = field(default_factory=lambda: array("d"))
    connections: int = 1
    late_p99: list[float] = field(default_factory=list)
    work_p99: list[float] = field(default_factory=list)
