"""Garbage cycles are freed on the GUI thread, never on a worker thread that happens to allocate."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from ui.desk.runtime.gui_gc import GuiThreadCollector


class Node:
    """Stands in for a closed dialog caught in a cycle; records the thread that frees it."""

    deaths: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Node.deaths.append(threading.current_thread().name)


KEPT: list[object] = []


def allocate_a_lot() -> None:
    """What a migration does on the database worker: thousands of new objects that stay alive.

    (Python counts allocations minus frees, so only objects that survive push it towards a collection.)
    """
    KEPT.extend({} for _ in range(20_000))


def test_a_cycle_is_freed_by_the_gui_thread_not_by_a_busy_worker(qtbot) -> None:
    Node.deaths.clear()
    collector = GuiThreadCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        Node()  # garbage at once, but only the cycle collector can free it
        worker = threading.Thread(target=allocate_a_lot, name="db-worker")
        worker.start()
        worker.join()
        assert Node.deaths == []  # the worker's allocations did not run the collector
        qtbot.waitUntil(lambda: Node.deaths == ["MainThread"], timeout=5000)
    finally:
        KEPT.clear()
        collector.stop()


def test_the_collector_hands_back_what_it_found(qtbot) -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        collector = GuiThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
