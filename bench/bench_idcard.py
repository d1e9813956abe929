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
import time

from bench.common import Figure, median, percentile
from bench.pty_latency import session_latency
from devices.idcard import frame
from devices.idcard.reader import CardRead, CardReaderSession, ReaderConfig
from devices.idcard.simulator import SAMPLE_CARDS, card_pty, read_reply

SAMPLES = 200
FORM_SAMPLES = int(os.environ.get("FEVER_DESK_IDCARD_FORM_SAMPLES", "100"))
TIMEOUT_S = 60.0
FUZZ_FRAMES = int(os.environ.get("FEVER_DESK_IDCARD_FUZZ_FRAMES", "100000"))
READ_REPLY_LENGTH = bytes.fromhex("0508")


def _card_latency(samples: int) -> tuple[list[float], list[float]]:
    """Latencies (ms) from read reply written to card delivered, and the raw-read baseline."""
    sim, _ = card_pty({"seed": 1, "corrupt_rate": 0.0, "dwell": 1, "gap": 1})
    try:
        return session_latency(
            sim,
            samples,
            baseline_payload=read_reply(SAMPLE_CARDS[0]),
            written_key=lambda data: "card" if data.startswith(frame.PREAMBLE + READ_REPLY_LENGTH) else None,
            delivered=CardRead,
            delivered_key=lambda _card: "card",
            open_session=lambda callback: CardReaderSession(
                ReaderConfig(port=sim.path, options={"interval": 0.01}), callback
            ).start(),
            timeout=TIMEOUT_S,
            what="cards",
        )
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
