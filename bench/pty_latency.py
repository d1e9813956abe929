"""Device latency on a pty, shared by the thermometer and the ID card reader benchmarks.

A simulator serves the master end of a pty and timestamps each reply just before ``os.write``
(``on_write``); a device session reads the slave end through pyserial, as it reads a USB-serial device,
and its callback timestamps delivery.  The baseline is the floor the OS gives on the same pty: a thread
blocked in ``os.read`` on the slave end collecting the same number of bytes.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from devices.simulator import PtySimulator


def raw_read_baseline(sim: PtySimulator, samples: int, payload: bytes) -> list[float]:
    """Write ``payload`` on the master; time (ms) until a thread reading the slave has all of it."""
    got = threading.Event()
    stop = threading.Event()
    done_at: list[float] = []

    def reader() -> None:
        pending = 0
        while not stop.is_set():
            ready, _, _ = select.select([sim.slave_fd], [], [], 0.1)
            if ready:
                pending += len(os.read(sim.slave_fd, 4096))
                if pending >= len(payload):
                    pending -= len(payload)
                    done_at.append(time.perf_counter())
                    got.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    out = []
    for _ in range(samples):
        got.clear()
        started = time.perf_counter()
        os.write(sim.master_fd, payload)
        if not got.wait(1.0):
            raise RuntimeError("raw pty read did not return")
        out.append((done_at[-1] - started) * 1000)
    stop.set()
    thread.join(1.0)
    return out


def session_latency(
    sim: PtySimulator,
    samples: int,
    *,
    baseline_payload: bytes,
    written_key: Callable[[bytes], Hashable | None],
    delivered: type,
    delivered_key: Callable[[Any], Hashable],
    open_session: Callable[[Callable[[Any], None]], Any],
    timeout: float,
    what: str,
) -> tuple[list[float], list[float]]:
    """Latencies (ms) from a reply written (``written_key`` of its bytes, None: not timed) to the item of
    type ``delivered`` with the same key reaching the session's callback, and the raw-read baseline.
    ``open_session(callback)`` starts the session; it is stopped here.  The caller unplugs ``sim``."""
    baseline = raw_read_baseline(sim, samples, baseline_payload)
    written: dict[Hashable, list[float]] = {}
    lock = threading.Lock()

    def on_write(data: bytes, at: float) -> None:
        key = written_key(data)
        if key is not None:
            with lock:
                written.setdefault(key, []).append(at)

    sim.on_write = on_write
    latencies: list[float] = []
    done = threading.Event()

    def on_item(item: Any) -> None:
        now = time.perf_counter()
        if not isinstance(item, delivered):
            return
        with lock:
            stamps = written.get(delivered_key(item))
            sent = stamps.pop(0) if stamps else None
        if sent is not None and not done.is_set():
            latencies.append((now - sent) * 1000)
            if len(latencies) >= samples:
                done.set()

    session = open_session(on_item)
    try:
        if not done.wait(timeout):
            raise RuntimeError(f"only {len(latencies)} {what} in {timeout} s")
    finally:
        session.stop()
    return latencies[:samples], baseline
