"""Thermometer latency: from the last byte written on a pty to the reading delivered to the callback.

The simulator serves the master end of a pty and timestamps each reply just before ``os.write``; a
:class:`DeviceSession` reads the slave end through pyserial, exactly as it reads a USB thermometer, and the
callback timestamps delivery.  The baseline is the floor the OS gives us on the same pty: a raw
``os.read`` in a thread blocked on the slave end, woken by the same kind of write.  Two paths are timed:
LU90614 (request/reply, fixed-length read) and ASCII lines (streaming, read-what-is-there).

The GUI thread hop is not included yet; the lead extends this to the Qt signal delivery.
"""

from __future__ import annotations

import os
import select
import threading
import time

from bench.common import Figure, median, percentile
from devices.base import Item, Reading
from devices.registry import DeviceConfig
from devices.session import DeviceSession
from devices.simulator import PtySimulator

SAMPLES = 200
TIMEOUT_S = 30.0


def _baseline(sim: PtySimulator, samples: int) -> list[float]:
    """Write 9 bytes on the master, time until a thread blocked in os.read on the slave has them."""
    got = threading.Event()
    stop = threading.Event()
    read_at: list[float] = []

    def reader() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([sim.slave_fd], [], [], 0.1)
            if ready:
                os.read(sim.slave_fd, 64)
                read_at.append(time.perf_counter())
                got.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    out = []
    for _ in range(samples):
        got.clear()
        started = time.perf_counter()
        os.write(sim.master_fd, b"\xfe\xac\x24\x3e\x00\x00\x00\x00\x0c")
        if not got.wait(1.0):
            raise RuntimeError("raw pty read did not return")
        out.append((read_at[-1] - started) * 1000)
    stop.set()
    thread.join(1.0)
    return out


def _session_latency(protocol: str, options: dict, samples: int) -> tuple[list[float], list[float]]:
    """Latencies (ms) of the session path, and the raw-read baseline on the same pty."""
    written: dict[bytes, list[float]] = {}
    lock = threading.Lock()

    def on_write(data: bytes, at: float) -> None:
        with lock:
            written.setdefault(data.rstrip(b"\r\n"), []).append(at)

    sim = PtySimulator(protocol, {"seed": 1, "stream_interval": 0.01}, on_write=None)
    try:
        baseline = _baseline(sim, samples)
        sim.on_write = on_write
        latencies: list[float] = []
        done = threading.Event()

        def on_reading(item: Item) -> None:
            now = time.perf_counter()
            if not isinstance(item, Reading):
                return
            with lock:
                stamps = written.get(item.raw)
                sent = stamps.pop(0) if stamps else None
            if sent is not None and not done.is_set():
                latencies.append((now - sent) * 1000)
                if len(latencies) >= samples:
                    done.set()

        session = DeviceSession(DeviceConfig(protocol, sim.path, options=options), on_reading).start()
        try:
            if not done.wait(TIMEOUT_S):
                raise RuntimeError(f"{protocol}: only {len(latencies)} readings in {TIMEOUT_S} s")
        finally:
            session.stop()
        return latencies[:samples], baseline
    finally:
        sim.unplug()


def run() -> list[Figure]:
    figures: list[Figure] = []
    for protocol, options in (("lu90614", {"interval": 0.01}), ("ascii", {})):
        latencies, baseline = _session_latency(protocol, options, SAMPLES)
        figures.append(
            Figure(
                f"device {protocol}: pty write → callback, median",
                median(latencies),
                "ms",
                "raw os.read on the same pty, median",
                median(baseline),
                "≤ 5 ms",
            )
        )
        figures.append(
            Figure(
                f"device {protocol}: pty write → callback, p95",
                percentile(latencies, 95),
                "ms",
                "raw os.read on the same pty, p95",
                percentile(baseline, 95),
                "≤ 20 ms",
            )
        )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
