"""Thermometer latency: from the last byte written on a pty to the reading delivered to the callback.

The simulator serves the master end of a pty and timestamps each reply just before ``os.write``; a
:class:`DeviceSession` reads the slave end through pyserial, exactly as it reads a USB thermometer, and the
callback timestamps delivery.  The baseline is the floor the OS gives us on the same pty: a raw
``os.read`` in a thread blocked on the slave end, woken by the same kind of write.  Two paths are timed:
LU90614 (request/reply, fixed-length read) and ASCII lines (streaming, read-what-is-there).

The GUI thread hop is not included yet; the lead extends this to the Qt signal delivery.
"""

from __future__ import annotations

from bench.common import Figure, median, percentile
from bench.pty_latency import session_latency
from devices.base import Reading
from devices.registry import DeviceConfig
from devices.session import DeviceSession
from devices.simulator import PtySimulator

SAMPLES = 200
TIMEOUT_S = 30.0


def _session_latency(protocol: str, options: dict, samples: int) -> tuple[list[float], list[float]]:
    """Latencies (ms) of the session path, and the raw-read baseline on the same pty."""
    sim = PtySimulator(protocol, {"seed": 1, "stream_interval": 0.01}, on_write=None)
    try:
        return session_latency(
            sim,
            samples,
            baseline_payload=b"\xfe\xac\x24\x3e\x00\x00\x00\x00\x0c",
            written_key=lambda data: data.rstrip(b"\r\n"),
            delivered=Reading,
            delivered_key=lambda reading: reading.raw,
            open_session=lambda callback: DeviceSession(
                DeviceConfig(protocol, sim.path, options=options), callback
            ).start(),
            timeout=TIMEOUT_S,
            what=f"{protocol} readings",
        )
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
