"""ID card reader unplugged and plugged back, as the desk's status bar reports it (issue #20: "unplug and
replug of the pty is reported within 2 s"); called by ``bench/idcard_form.py`` on its counter.

The reader is configured by a stable path (a symlink, like a udev rule's name) to a simulated reader's pty.
*Unplug*: the simulator closes the pty and the link goes; timed until the desk's reader status says
"no reader".  *Replug*: a new simulated reader and the link back; timed until it says "connected".  The
baselines are the floor the OS gives in the same run: a thread blocked in ``select`` on a pty's other end
seeing the hang-up, and a raw ``open`` of the new pty through the link succeeding (polled as fast as the
loop turns).  Between them is the session's own pacing: the reader's poll (0.25 s), its reply timeout
and the retry interval (0.5 s) of ``devices/session.py``.
"""

from __future__ import annotations

import os
import select
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import Figure, median
from devices.idcard.reader import ReaderConfig
from devices.idcard.simulator import card_pty

ROUNDS = int(os.environ.get("FEVER_DESK_IDCARD_REPLUG_ROUNDS", "5"))
TIMEOUT_S = 20.0


def _wait(app: Any, done: Any, what: str) -> float:
    deadline = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"idcard replug bench: {what} did not happen within {TIMEOUT_S:g} s")
        app.processEvents()
        time.sleep(0.0005)
    return time.perf_counter()


def _raw_hangup() -> float:
    """Seconds from the simulator closing its pty to a ``select`` on the pty's other end waking."""
    sim = _new_reader()
    fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    woke: list[float] = []
    ready = threading.Event()

    def watch() -> None:
        ready.set()
        select.select([fd], [], [], TIMEOUT_S)
        woke.append(time.perf_counter())

    thread = threading.Thread(target=watch, name="idcard-bench-hangup")
    thread.start()
    ready.wait()
    time.sleep(0.01)  # the watcher is in select()
    started = time.perf_counter()
    sim.unplug()
    thread.join(TIMEOUT_S)
    os.close(fd)
    return woke[0] - started


def _new_reader() -> Any:
    """A new simulated reader on a new pty, no card on it, no noise (its cable, once linked, plugged in)."""
    sim, _responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    return sim


def _raw_open(link: Path) -> float:
    """Seconds from the link to a new pty appearing to a raw ``open`` through it succeeding."""
    sim = _new_reader()
    try:
        started = time.perf_counter()
        link.symlink_to(sim.path)
        while True:
            try:
                fd = os.open(link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            except OSError:
                continue
            opened = time.perf_counter()
            os.close(fd)
            return opened - started
    finally:
        link.unlink()
        sim.unplug()


def _median_and_worst(name: str, seconds: list[float], baseline: str, raw: list[float]) -> list[Figure]:
    """Two rows, the median and the worst, each beside the same statistic of the raw pty in the same run."""
    values, raw_values = [s * 1000 for s in seconds], [s * 1000 for s in raw]
    return [
        Figure(f"{name}, {which}", pick(values), "ms", f"{baseline}, {which}", pick(raw_values), target)
        for which, pick, target in (
            ("median", median, "≤ 2000 ms (issue: within 2 s)"),
            ("worst", max, "≤ 2000 ms"),
        )
    ]


def figures(counter: Any, rounds: int = ROUNDS) -> list[Figure]:
    """Unplug → "no reader" and replug → "connected" on ``counter``'s reader controller, ``rounds`` times."""
    controller, app = counter.controller, counter.app
    status = controller.status_widget
    unplugged: list[float] = []
    replugged: list[float] = []
    raw_hangup: list[float] = []
    with tempfile.TemporaryDirectory(prefix="fever-desk-idcard-replug-") as folder:
        link = Path(folder) / "ttyIDCARD"
        sim = _new_reader()
        link.symlink_to(sim.path)
        controller.bridge.start(ReaderConfig(port=str(link)))  # the production poll interval
        try:
            _wait(app, lambda: status.state == "connected", "the first connection")
            for _ in range(rounds):
                started = time.perf_counter()
                sim.unplug()
                link.unlink()
                unplugged.append(_wait(app, lambda: status.state == "no_device", "no reader") - started)
                sim = _new_reader()
                started = time.perf_counter()
                link.symlink_to(sim.path)
                replugged.append(_wait(app, lambda: status.state == "connected", "connected") - started)
                raw_hangup.append(_raw_hangup())
            probe = Path(folder) / "ttyPROBE"
            raw_open = [_raw_open(probe) for _ in range(rounds)]
        finally:
            controller.bridge.stop()
            sim.unplug()
    return [
        *_median_and_worst(
            'idcard: unplug → status "no reader"', unplugged, "raw select() sees the pty hang up", raw_hangup
        ),
        *_median_and_worst(
            'idcard: replug → status "connected"',
            replugged,
            "raw open() of the new pty through the link",
            raw_open,
        ),
    ]
