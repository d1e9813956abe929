"""Work off the GUI thread: one database worker, results marshalled back to the GUI thread.

Modelled on Anki's operations: a screen submits a small function plus what to do with its result; the
function runs on the single DB thread (so SQLite sees one writer and the GUI never waits on disk), and the
callbacks run later on the GUI thread through a queued signal.  The worker never opens a dialog or waits
for the GUI, which is how Anki-style task managers deadlock.  ``stop()`` drains nothing further, joins the
thread and is called by the main window on close and by tests on teardown.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
C = TypeVar("C")


class _Job(Generic[C]):
    __slots__ = ("fn", "on_failure", "on_success")  # a plain class: no dataclass machinery at start-up

    def __init__(
        self,
        fn: Callable[[C], Any],
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        self.fn, self.on_success, self.on_failure = fn, on_success, on_failure


class GuiRelay(QObject):
    """Made on the GUI thread; a callable emitted from any thread runs there (a queued connection).

    Each worker has its own, gone with it; ``ui.desk.runtime.background`` keeps one for the application's
    lifetime.
    """

    delivered = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.delivered.connect(self._run)

    @Slot(object)
    def _run(self, call: Callable[[], None]) -> None:
        call()


class Worker(QObject, Generic[C]):
    """One background thread running jobs in order against a context made on that thread.

    ``make_context`` runs first on the worker thread (opening the database and running migrations there,
    so a slow disk never delays the window).  If it fails, every job fails with the same error and
    ``context_failed`` is emitted, so the window can say so plainly.
    """

    context_ready = Signal()
    context_failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, make_context: Callable[[], C], name: str = "db-worker") -> None:
        super().__init__()
        self._make_context = make_context
        self._queue: queue.Queue[_Job[C] | None] = queue.Queue()
        self._bridge = GuiRelay()
        self._context: C | None = None
        self._context_error: BaseException | None = None
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._stopped = False

    def start(self) -> None:
        self._thread.start()

    @property
    def context(self) -> C | None:
        return self._context

    def submit(
        self,
        fn: Callable[[C], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Queue ``fn``; False if the worker has stopped and the job was dropped (see below)."""
        if self._stopped:
            # The window is closing: a screen refreshing itself after the last save was answered (a
            # queued save answers late) has nothing left to show.  Dropped with a log line, never a
            # crash of the closing desk; a write that arrives here (a slip recorded as the window
            # closes) is told by the False it gets back.
            log.info("worker stopped: a late request was dropped (%s)", getattr(fn, "__qualname__", fn))
            return False
        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busy_changed.emit(True)
        self._queue.put(_Job(fn, on_success, on_failure))
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the job in hand and any queued saves, then join: a queued save is never dropped."""
        if self._stopped:
            return
        self._stopped = True
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)
        closer = getattr(self._context, "close", None)
        if callable(closer):
            closer()

    def _deliver(self, call: Callable[[], None]) -> None:
        try:
            self._bridge.delivered.emit(call)
        except RuntimeError:
            # The window (and the bridge with it) is gone because the station is closing: the job itself
            # has finished, only its on-screen follow-up has nowhere to go.
            log.debug("result not delivered: the window has closed")

    def _loop(self) -> None:
        try:
            self._context = self._make_context()
        except Exception as exc:
            log.exception("could not open the database")
            self._context_error = exc
            failed = exc
            self._deliver(lambda: self.context_failed.emit(failed))
        else:
            self._deliver(self.context_ready.emit)
        while True:
            job = self._queue.get()
            if job is None:
                return
            box: list[Any] = [job]
            del job  # from here on only ``box`` holds the job; the GUI thread empties it
            self._run_job(box)

    def _run_job(self, box: list[Any]) -> None:
        """Run the job in ``box`` and hand the box, with the outcome, to the GUI thread to empty.

        A job's callbacks are bound to widgets, its function may close over them and a failure's
        traceback holds its frames.  If the worker thread dropped the last reference to such an object,
        Python would destroy the Qt object on this thread, which Qt forbids (its timers and posted events
        belong to the GUI thread): memory gets corrupted and the station crashes later, elsewhere.  So
        everything a job brought or produced is released on the GUI thread, by :func:`_finish`.
        """
        job: _Job[C] = box[0]
        try:
            if self._context_error is not None:
                raise self._context_error
            assert self._context is not None
            box.append((True, job.fn(self._context)))
        except Exception as exc:
            log.exception("background job failed")
            box.append((False, exc))
        del job
        self._deliver(lambda: _finish(box))
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        if idle:
            self._deliver(lambda: self.busy_changed.emit(False))


def _finish(box: list[Any]) -> None:
    """On the GUI thread: take the job and its outcome out of the box, then call back."""
    job, (ok, value) = box[0], box[1]
    box.clear()
    callback = job.on_success if ok else job.on_failure
    del job
    if callback is not None:
        callback(value)
