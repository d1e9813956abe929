"""Protocol families by name, and :class:`Device`: one open port with its family's parser and driver.

The settings file and the command line name a family ("lu90614", "modbus_rtu" …); this module is the only
place that maps the name to code, so adding a family is one :func:`register` call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from devices import simulator, transport
from devices.base import DeviceUnavailable, Driver, Item, Parser, ParserStats, ProtocolError, SerialPort
from devices.protocols import ascii_lines, lu90614, modbus_rtu, optris_ct

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProtocolFamily:
    """How to decode (parser), how to ask (driver), and how to reach (port) one kind of thermometer."""

    name: str
    description: str
    default_baudrate: int
    parser: Callable[[Mapping[str, Any]], Parser]
    driver: type[Driver]
    #: Replaces ``transport.open_port`` for families with no hardware (the simulator).
    open_port: Callable[[str, int, Mapping[str, Any]], SerialPort] | None = None

    @property
    def needs_port(self) -> bool:
        return self.open_port is None


_FAMILIES: dict[str, ProtocolFamily] = {}


def register(family: ProtocolFamily) -> None:
    _FAMILIES[family.name] = family


def get(name: str) -> ProtocolFamily:
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ProtocolError(f"unknown protocol {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    return sorted(_FAMILIES)


def _simulator_family() -> ProtocolFamily:
    """The simulator speaks a real protocol (``speaks`` option, default LU90614) over an in-memory port."""

    def spoken(options: Mapping[str, Any]) -> ProtocolFamily:
        return get(str(options.get("speaks", lu90614.NAME)))

    def make_parser(options: Mapping[str, Any]) -> Parser:
        return spoken(options).parser(options)

    def open_port(url: str, baudrate: int, options: Mapping[str, Any]) -> SerialPort:
        return simulator.SimulatedPort(spoken(options).name, options, timeout=transport.READ_TIMEOUT_S)

    class SimulatorDriver(Driver):
        """Delegates to the spoken protocol's driver, so the simulator exercises the real request logic."""

        def __init__(
            self,
            port: SerialPort,
            parser: Parser,
            options: Mapping[str, Any] | None = None,
            cancel: threading.Event | None = None,
        ) -> None:
            options = dict(options or {})
            self.inner = spoken(options).driver(port, parser, options, cancel)
            super().__init__(port, parser, options, cancel)
            self.poll_interval = self.inner.poll_interval
            self.expects_replies = self.inner.expects_replies

        def start(self) -> None:
            self.inner.start()

        def poll(self) -> list[Item]:
            return self.inner.poll()

    return ProtocolFamily(
        "simulator",
        "simulated body thermometer, no hardware (option speaks: " + ", ".join(simulator.SPOKEN) + ")",
        0,
        make_parser,
        SimulatorDriver,
        open_port,
    )


register(
    ProtocolFamily(
        ascii_lines.NAME,
        "ASCII lines, configurable pattern and unit (kiosks, custom firmware)",
        ascii_lines.BAUDRATE,
        ascii_lines.AsciiLinesParser,
        ascii_lines.AsciiLinesDriver,
    )
)
register(
    ProtocolFamily(
        modbus_rtu.NAME,
        "Modbus RTU holding registers, function 0x03 (e.g. Diwell CT200)",
        modbus_rtu.BAUDRATE,
        modbus_rtu.ModbusRtuParser,
        modbus_rtu.ModbusRtuDriver,
    )
)
register(
    ProtocolFamily(
        optris_ct.NAME,
        "Optris CT / Micro-Epsilon thermoMETER CT binary",
        optris_ct.BAUDRATE,
        optris_ct.OptrisParser,
        optris_ct.OptrisDriver,
    )
)
register(
    ProtocolFamily(
        lu90614.NAME,
        "LU90614-type body-temperature module",
        lu90614.BAUDRATE,
        lu90614.Lu90614Parser,
        lu90614.Lu90614Driver,
    )
)
register(_simulator_family())


@dataclass(frozen=True)
class DeviceConfig:
    """What the settings file stores for the thermometer; ``baudrate=None`` means the family's default."""

    protocol: str
    port: str = ""
    baudrate: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> ProtocolFamily:
        return get(self.protocol)

    @property
    def effective_baudrate(self) -> int:
        return self.baudrate or self.family.default_baudrate

    def label(self) -> str:
        """How the device is named on a saved temperature, e.g. ``lu90614@/dev/ttyUSB0``."""
        return self.protocol if not self.family.needs_port else f"{self.protocol}@{self.port}"


class Device:
    """One thermometer: ``open()``, then ``poll()`` or iterate ``readings()``, then ``close()``.

    Not thread-safe: one thread owns it (the session runner's, or the CLI's).  ``cancel`` may be set from
    any thread to make a blocking poll return early.
    """

    def __init__(self, config: DeviceConfig, cancel: threading.Event | None = None) -> None:
        self.config = config
        self.family = config.family
        self.cancel = cancel or threading.Event()
        self.parser = self.family.parser(config.options)
        self.port: SerialPort | None = None
        self.driver: Driver | None = None

    @property
    def stats(self) -> ParserStats:
        return self.parser.stats

    def open(self) -> None:
        """Open the port and start the driver; raises DeviceUnavailable or ProtocolError."""
        if self.family.open_port is not None:
            port = self.family.open_port(
                self.config.port, self.config.effective_baudrate, self.config.options
            )
        else:
            port = transport.open_port(self.config.port, self.config.effective_baudrate)
        self.port = port
        try:
            self.driver = self.family.driver(port, self.parser, self.config.options, self.cancel)
            self.driver.start()
        except BaseException:
            self.close()
            raise

    def poll(self) -> list[Item]:
        if self.driver is None:
            raise DeviceUnavailable("device is not open")
        return self.driver.poll()

    @property
    def poll_interval(self) -> float:
        return self.driver.poll_interval if self.driver is not None else 0.0

    def readings(self, stop: threading.Event | None = None) -> Iterator[Item]:
        """Items as they come, keeping the driver's poll rhythm, until ``stop`` (or ``cancel``) is set."""
        stop = stop or self.cancel
        while not stop.is_set() and not self.cancel.is_set():
            started = time.monotonic()
            yield from self.poll()
            pause = self.poll_interval - (time.monotonic() - started)
            if pause > 0:
                stop.wait(pause)

    def close(self) -> None:
        """Close the port; errors from a port that is already gone are expected and not re-raised."""
        port, self.port, self.driver = self.port, None, None
        if port is None:
            return
        try:
            port.close()
        except OSError as exc:  # SerialException is an OSError: the handle is released either way.
            _log.debug("closing %s: %s", self.config.port, exc)

    def __enter__(self) -> Device:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
