"""What ``fever-desk devices read --protocol ga467`` calls: open the reader, wait for cards, close it.

Plain functions and no thread, like :mod:`devices.diagnostics` for thermometers.  Support staff use this
at the counter to answer "is the card reader on this port, and does it read?", so the two ways of getting
nothing are told apart: a reader that answers "no card" (place one) and a port where nothing answers
(wrong port, baud rate or device).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from devices.base import DeviceUnavailable, ParserStats
from devices.diagnostics import poll_items
from devices.idcard.reader import CardItem, Ga467Driver, ReaderConfig
from devices.registry import Device
from devices.transport import IO_ERRORS

#: How long a port may stay silent before it is called "not a card reader (or wrong baud rate)".
SILENCE_S = 3.0


class ReaderSilent(TimeoutError):
    """Nothing on the port answered the reader's commands."""


class NoCard(TimeoutError):
    """The reader answered, but no card was placed within the timeout."""


def read_cards(
    port: str,
    protocol: str,
    baud: int | None = None,
    count: int = 1,
    timeout: float = 30.0,
    options: Mapping[str, Any] | None = None,
    stats: ParserStats | None = None,
) -> Iterator[CardItem]:
    """Open the reader and yield up to ``count`` items (cards read and failed reads), then close it.

    Raises :class:`~devices.base.DeviceUnavailable` when the port cannot be opened or fails,
    :class:`~devices.base.ProtocolError` for bad settings, :class:`ReaderSilent` when nothing answers for
    :data:`SILENCE_S` seconds, and :class:`NoCard` when ``timeout`` seconds pass without a new item.
    """
    config = ReaderConfig(protocol=protocol, port=port, baudrate=baud, options=dict(options or {}))

    def expired(device: Device, opened: float, now: float, deadline: float) -> None:
        driver = device.driver
        if isinstance(driver, Ga467Driver) and driver.replies == 0 and now - opened >= SILENCE_S:
            raise ReaderSilent(f"no answer within {SILENCE_S:g} s")
        if now >= deadline:
            raise NoCard(f"no card within {timeout:g} s")

    return poll_items(config, count, timeout, expired, stats)  # type: ignore[return-value]  # card items


def probe(port: str, baud: int | None = None, timeout: float = 0.3) -> bool:
    """True if a GA 467 reader answers on ``port``: one SAM status command (``11 FF``), one reply.

    It writes to the port, so it is only run when asked (``devices list --probe``): a thermometer or
    another device on that port receives 10 bytes it does not understand.  A port that cannot be opened
    (absent, in use) is simply not a reader here.
    """
    from devices import transport
    from devices.idcard import frame
    from devices.idcard.reader import BAUDRATE

    try:
        serial_port = transport.open_port(port, baud or BAUDRATE)
    except DeviceUnavailable:
        return False
    try:
        driver = Ga467Driver(serial_port, frame.FrameParser(), {})
        return driver.exchange(frame.CMD_SAM_STATUS, timeout) is not None
    except IO_ERRORS:
        return False
    finally:
        with contextlib.suppress(IO_ERRORS):
            serial_port.close()
