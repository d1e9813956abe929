"""What ``fever-desk devices list`` and ``fever-desk devices read`` call: plain functions, no threads.

Support staff use these at a counter to answer "which port is the thermometer on and does it talk?", so
errors come back as short English messages and the stats say *why* nothing decoded (garbage at the wrong
baud rate, bad checksums on a noisy cable, or plain silence).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from devices import transport
from devices.base import DeviceError, DeviceUnavailable, Item, ParserStats, Reading
from devices.registry import Device, DeviceConfig
from devices.transport import IO_ERRORS, PortInfo, describe_io_error


def list_ports() -> list[PortInfo]:
    """Serial ports present now, with the USB-serial chip named where it is known."""
    return transport.list_ports()


def format_port(port: PortInfo) -> str:
    """One line per port for the CLI, e.g. ``/dev/ttyUSB0  USB Serial  1A86:7523  CH340 USB-serial``."""
    return "  ".join(part for part in (port.path, port.description, port.vid_pid, port.hint) if part)


def read_readings(
    port: str,
    protocol: str,
    baud: int | None = None,
    count: int = 5,
    timeout: float = 10.0,
    options: Mapping[str, Any] | None = None,
    stats: ParserStats | None = None,
) -> Iterator[Item]:
    """Open the device, yield up to ``count`` items (readings and device errors), close it.

    Raises :class:`~devices.base.DeviceUnavailable` if the port cannot be opened or fails while reading,
    :class:`~devices.base.ProtocolError` for an unknown protocol or bad option, and :class:`TimeoutError`
    if ``timeout`` seconds pass without a new item (the message carries the parser's drop counters).
    If ``stats`` is given, the parser's counters are copied into it at the end.
    """
    config = DeviceConfig(protocol=protocol, port=port, baudrate=baud, options=dict(options or {}))

    def expired(device: Device, _opened: float, now: float, deadline: float) -> None:
        if now >= deadline:
            raise TimeoutError(f"no reading within {timeout:g} s; {_describe(device.stats)}")

    return poll_items(config, count, timeout, expired, stats)


def poll_items(
    config: DeviceConfig,
    count: int,
    timeout: float,
    expired: Callable[[Device, float, float, float], None],
    stats: ParserStats | None = None,
) -> Iterator[Item]:
    """Open the device of ``config``, yield up to ``count`` items, close it: the loop of every family's
    ``devices read``.  After each poll that left items to wait for, ``expired(device, opened, now,
    deadline)`` raises the family's own "nothing came" error (``deadline``: ``timeout`` after the last
    item).  A failing port is :class:`~devices.base.DeviceUnavailable`; ``stats`` gets the parser's
    counters at the end."""
    stop = threading.Event()
    device = Device(config, cancel=stop)
    device.open()
    try:
        delivered = 0
        opened = time.monotonic()
        deadline = opened + timeout
        while delivered < count:
            started = time.monotonic()
            try:
                items = device.poll()
            except IO_ERRORS as exc:
                raise DeviceUnavailable(describe_io_error(exc), absent=True) from exc
            for item in items:
                yield item
                delivered += 1
                deadline = time.monotonic() + timeout
                if delivered >= count:
                    return
            now = time.monotonic()
            expired(device, opened, now, deadline)
            pause = device.poll_interval - (now - started)
            if pause > 0:
                stop.wait(min(pause, max(0.0, deadline - now)))
    finally:
        stop.set()
        device.close()
        if stats is not None:
            for key, value in device.stats.as_dict().items():
                setattr(stats, key, value)


def format_item(item: Item) -> str:
    """One line per item for the CLI: the value in °C and the mode, or the device's error code."""
    if isinstance(item, Reading):
        text = f"{item.celsius:.2f} °C {item.mode.value}"
        return text if item.plausible else f"{text} (implausible: measure again)"
    assert isinstance(item, DeviceError)
    return f"device error {item.code}: {item.message}"


def _describe(stats: ParserStats) -> str:
    dropped = {k: v for k, v in stats.as_dict().items() if v and k not in ("frames", "readings")}
    if not dropped:
        return "the device sent nothing (check port, wiring and power)"
    return "dropped " + ", ".join(f"{k}={v}" for k, v in dropped.items()) + " (check protocol and baud rate)"
