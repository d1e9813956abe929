"""ID card reader: from the read reply written on a pty to the checked card delivered by the session.

The simulated reader (cycle mode, a new card at every other find, no corruption) serves the master end of
a pty and timestamps each 1295-byte read reply just before ``os.write``; a :class:`CardReaderSession`
reads the slave end through pyserial, as it reads a USB-serial reader, and the callback timestamps the
card.  So the figure covers the read of 1295 bytes, the frame parser, the text block's checks and the
callback.  The baseline is the floor the OS gives on the same pty: a thread blocked in ``os.read`` on the
slave end collecting the same 1295 bytes.  The same run then measures the pharmacy form being filled and
the keys a registration takes (``bench/idcard_form.py``).

Also the fuzz of ``tests/devices/test_idcard_fuzz.py`` over at least 10^5 frames (the test suite runs a
few thousand): a false read fails this benchmark.
"""

from __future__ import annotations

import os
import select
import threading
import time
from typing import Any

from bench.common import Figure, median, percentile
from devices.idcard import frame
from devices.idcard.reader import CardRead, CardReaderSession, ReaderConfig
from devices.idcard.simulator import SAMPLE_CARDS, card_pty, read_reply
from devices.simulator import PtySimulator

SAMPLES = 200
FORM_SAMPLES = int(os.environ.get("FEVER_DESK_IDCARD_FORM_SAMPLES", "100"))
TIMEOUT_S = 60.0
FUZZ_FRAMES = int(os.environ.get("FEVER_DESK_IDCARD_FUZZ_FRAMES", "100000"))
READ_REPLY_LENGTH = bytes.fromhex("0508")


def _baseline(sim: PtySimulator, samples: int) -> list[float]:
    """Write one read reply on the master; time until a thread reading the slave has all of it."""
    reply = read_reply(SAMPLE_CARDS[0])
    got = threading.Event()
    stop = threading.Event()
    done_at: list[float] = []

    def reader() -> None:
        pending = 0
        while not stop.is_set():
            ready, _, _ = select.select([sim.slave_fd], [], [], 0.1)
            if ready:
                pending += len(os.read(sim.slave_fd, 4096))
                if pending >= len(reply):
                    pending -= len(reply)
                    done_at.append(time.perf_counter())
                    got.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    out = []
    for _ in range(samples):
        got.clear()
        started = time.perf_counter()
        os.write(sim.master_fd, reply)
        if not got.wait(1.0):
            raise RuntimeError("raw pty read did not return")
        out.append((done_at[-1] - started) * 1000)
    stop.set()
    thread.join(1.0)
    return out


def _card_latency(samples: int) -> tuple[list[float], list[float]]:
    """Latencies (ms) from read reply written to card delivered, and the raw-read baseline."""
    written: list[float] = []
    lock = threading.Lock()

    def on_write(data: bytes, at: float) -> None:
        if data.startswith(frame.PREAMBLE + READ_REPLY_LENGTH):
            with lock:
                written.append(at)

    sim, _ = card_pty({"seed": 1, "corrupt_rate": 0.0, "dwell": 1, "gap": 1})
    try:
        baseline = _baseline(sim, samples)
        sim.on_write = on_write
        latencies: list[float] = []
        done = threading.Event()

        def on_card(item: Any) -> None:
            now = time.perf_counter()
            if not isinstance(item, CardRead):
                return
            with lock:
                sent = written.pop(0) if written else None
            if sent is not None and not done.is_set():
                latencies.append((now - sent) * 1000)
                if len(latencies) >= samples:
                    done.set()

        session = CardReaderSession(ReaderConfig(port=sim.path, options={"interval": 0.01}), on_card)
        session.start()
        try:
            if not done.wait(TIMEOUT_S):
                raise RuntimeError(f"only {len(latencies)} cards in {TIMEOUT_S} s")
        finally:
            session.stop()
        return latencies[:samples], baseline
    finally:
        sim.unplug()


def run() -> list[Figure]:
    latencies, baseline = _card_latency(SAMPLES)
    from bench.idcard_form import figures as form_figures  # the desk's form, beside the same baseline

    figures = [
        Figure(
            "idcard: pty read reply → checked card, median",
            median(latencies),
            "ms",
            "raw os.read of the 1295 bytes, median",
            median(baseline),
            "≤ 20 ms",
        ),
        Figure(
            "idcard: pty read reply → checked card, p95",
            percentile(latencies, 95),
            "ms",
            "raw os.read of the 1295 bytes, p95",
            percentile(baseline, 95),
            "≤ 50 ms",
        ),
    ]
    figures += form_figures(FORM_SAMPLES, baseline)
    from tests.devices.test_idcard_fuzz import run_fuzz  # the test's own property, with a larger budget

    started = time.perf_counter()
    fed = run_fuzz(FUZZ_FRAMES)
    figures.append(
        Figure(
            f"idcard fuzz: {fed} frames, 0 false reads, time",
            time.perf_counter() - started,
            "s",
            "-",
            None,
            f"≥ {FUZZ_FRAMES} frames, no false read",
        )
    )
    return figures


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
