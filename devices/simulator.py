"""A thermometer that is not there: realistic readings in any of the real protocols.

Three uses, one responder per protocol underneath:

* protocol ``"simulator"`` in the registry: :class:`SimulatedPort` is an in-memory port, so demos and the
  GUI run with no hardware and still go through the real parser and driver;
* :class:`PtySimulator` serves one end of a pseudo-terminal (``os.openpty``) so the other end is a real
  tty path that pyserial opens: end-to-end tests, unplug/replug tests and the latency bench;
* :class:`BodyTemperatureModel` alone, for anything that needs plausible numbers.

The model gives mostly afebrile people (36.2–37.1 °C), an occasional fever, and a little jitter between
repeated measurements of the same person, like a queue at a clinic door.
"""

from __future__ import annotations

import os
import random
import select
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from devices.base import ProtocolError
from devices.protocols import ascii_lines, lu90614, modbus_rtu, optris_ct
from fever_desk.model import MeasureMode

SPOKEN = (lu90614.NAME, ascii_lines.NAME, optris_ct.NAME, modbus_rtu.NAME)


class BodyTemperatureModel:
    """People arrive one after another; each is measured a few times with small jitter."""

    def __init__(self, seed: int | None = None, fever_rate: float = 0.08, jitter: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.fever_rate = fever_rate
        self.jitter = jitter
        self._base = 36.6
        self._left = 0

    def _next_person(self) -> None:
        if self.rng.random() < self.fever_rate:
            self._base = self.rng.uniform(37.4, 39.6)
        else:
            self._base = self.rng.uniform(36.2, 37.1)
        self._left = self.rng.randint(2, 6)

    def body(self) -> float:
        if self._left <= 0:
            self._next_person()
        self._left -= 1
        return round(self._base + self.rng.gauss(0.0, self.jitter), 2)

    def surface(self) -> float:
        """Forehead skin runs a couple of degrees under core temperature."""
        return round(self.body() - self.rng.uniform(1.5, 3.0), 2)


class Responder:
    """Turns requests into replies for one protocol; ``stream`` is for protocols that talk unprompted."""

    streaming = False

    def __init__(self, model: BodyTemperatureModel, options: Mapping[str, Any]) -> None:
        self.model = model
        self.options = options
        self.error_rate = float(options.get("error_rate", 0.0))
        self._pending = bytearray()

    def respond(self, data: bytes) -> bytes:
        return b""

    def stream(self) -> bytes:
        return b""

    def _fails(self) -> bool:
        return self.error_rate > 0 and self.model.rng.random() < self.error_rate


class Lu90614Responder(Responder):
    def __init__(self, model: BodyTemperatureModel, options: Mapping[str, Any]) -> None:
        super().__init__(model, options)
        self.mode = MeasureMode.BODY

    def respond(self, data: bytes) -> bytes:
        self._pending.extend(data)
        out = bytearray()
        while len(self._pending) >= 3:
            command = bytes(self._pending[:3])
            if command == lu90614.CMD_MEASURE:
                if self._fails():
                    out += lu90614.encode_status(0xEE)
                elif self.mode is MeasureMode.BODY:
                    out += lu90614.encode_reply(self.model.body(), MeasureMode.BODY)
                else:
                    out += lu90614.encode_reply(self.model.surface(), MeasureMode.OBJECT)
            elif command in (lu90614.CMD_BODY, lu90614.CMD_OBJECT):
                self.mode = MeasureMode.BODY if command == lu90614.CMD_BODY else MeasureMode.OBJECT
            else:
                del self._pending[0]
                continue
            del self._pending[:3]
        return bytes(out)


class OptrisResponder(Responder):
    def respond(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            if byte in (optris_ct.CMD_PROCESS_TEMPERATURE, optris_ct.CMD_ACTUAL_TEMPERATURE):
                out += optris_ct.encode_reply(self.model.surface())
        return bytes(out)


class ModbusResponder(Responder):
    def respond(self, data: bytes) -> bytes:
        self._pending.extend(data)
        out = bytearray()
        while len(self._pending) >= 8:
            frame = bytes(self._pending[:8])
            if frame[1] != modbus_rtu.READ_HOLDING or modbus_rtu.crc(frame[:6]) != frame[6:]:
                del self._pending[0]
                continue
            del self._pending[:8]
            slave, count = frame[0], int.from_bytes(frame[4:6], "big")
            if self._fails():
                out += modbus_rtu.encode_exception(slave, 4)
                continue
            words = [round(self.model.surface() * 10), 250] + [0] * max(0, count - 2)
            out += modbus_rtu.encode_response(slave, words[:count])
        return bytes(out)


class AsciiResponder(Responder):
    streaming = True

    def stream(self) -> bytes:
        if self._fails():
            return b"ERR 3\r\n"
        return ascii_lines.encode_line(
            self.model.body(), MeasureMode.BODY, str(self.options.get("unit", "C"))
        )


_RESPONDERS: dict[str, type[Responder]] = {
    lu90614.NAME: Lu90614Responder,
    optris_ct.NAME: OptrisResponder,
    modbus_rtu.NAME: ModbusResponder,
    ascii_lines.NAME: AsciiResponder,
}


def make_responder(protocol: str, options: Mapping[str, Any] | None = None) -> Responder:
    options = dict(options or {})
    if protocol not in _RESPONDERS:
        raise ProtocolError(f"the simulator speaks {', '.join(SPOKEN)}, not {protocol!r}")
    seed = options.get("seed")
    model = BodyTemperatureModel(
        seed=None if seed is None else int(seed), fever_rate=float(options.get("fever_rate", 0.08))
    )
    return _RESPONDERS[protocol](model, options)


class SimulatedPort:
    """An in-memory serial port with a simulated thermometer on the other end (no OS resources).

    Reads block on a condition with the configured timeout, exactly like a real port, so drivers cannot
    tell the difference and no loop ever spins.
    """

    def __init__(
        self,
        protocol: str,
        options: Mapping[str, Any] | None = None,
        timeout: float = 0.1,
        responder: Responder | None = None,
    ) -> None:
        options = dict(options or {})
        self.responder = responder or make_responder(protocol, options)
        self.timeout = timeout
        self.stream_interval = float(options.get("stream_interval", 1.0))
        self._rx = bytearray()
        self._cond = threading.Condition()
        self._open = True
        self._next_line = time.monotonic() + min(0.2, self.stream_interval)

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def in_waiting(self) -> int:
        with self._cond:
            return len(self._rx)

    def write(self, data: bytes) -> int:
        reply = self.responder.respond(bytes(data))
        with self._cond:
            self._rx.extend(reply)
            self._cond.notify_all()
        return len(data)

    def read(self, size: int = 1) -> bytes:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while len(self._rx) < size and self._open:
                now = time.monotonic()
                if self.responder.streaming and now >= self._next_line:
                    self._rx.extend(self.responder.stream())
                    self._next_line = now + self.stream_interval
                    continue
                wake = min(deadline, self._next_line) if self.responder.streaming else deadline
                if now >= deadline:
                    break
                self._cond.wait(max(0.0, wake - now))
            data = bytes(self._rx[:size])
            del self._rx[:size]
            return data

    def reset_input_buffer(self) -> None:
        with self._cond:
            self._rx.clear()

    def close(self) -> None:
        with self._cond:
            self._open = False
            self._cond.notify_all()


class PtySimulator:
    """Serves a simulated thermometer on the master side of a new pty; ``path`` is the slave tty.

    The slave end is set raw at once (the pty starts in cooked mode with echo, which would bounce every
    reply back as a request) and kept open here, so the master never sees EIO while the reader reopens.
    ``unplug()`` closes both ends, which is what a pulled USB cable looks like to the reader.
    ``on_write(data, t)`` is called with ``time.perf_counter()`` taken just before each reply is written.
    ``responder`` replaces the protocol's own (the ID card reader's simulator brings its own).
    """

    def __init__(
        self,
        protocol: str = lu90614.NAME,
        options: Mapping[str, Any] | None = None,
        on_write: Callable[[bytes, float], None] | None = None,
        responder: Responder | None = None,
    ) -> None:
        self.options = dict(options or {})
        self.responder = responder or make_responder(protocol, self.options)
        self.stream_interval = float(self.options.get("stream_interval", 0.2))
        self.on_write = on_write
        import tty  # POSIX only (needs termios): imported here so the package still loads on Windows

        self.master_fd, self.slave_fd = os.openpty()
        tty.setraw(self.slave_fd)
        self.path = os.ttyname(self.slave_fd)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name=f"pty-sim-{protocol}", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        """Inject raw bytes (junk, a hand-made frame) as if the device had sent them."""
        with self._lock:
            if self.on_write is not None:
                self.on_write(data, time.perf_counter())
            os.write(self.master_fd, data)

    def _serve(self) -> None:
        next_line = time.monotonic() + self.stream_interval
        while not self._stop.is_set():
            wait = max(0.0, next_line - time.monotonic()) if self.responder.streaming else 0.1
            try:
                ready, _, _ = select.select([self.master_fd], [], [], min(wait, 0.1))
                if ready:
                    reply = self.responder.respond(os.read(self.master_fd, 256))
                    if reply:
                        self.write(reply)
                if self.responder.streaming and time.monotonic() >= next_line:
                    next_line = time.monotonic() + self.stream_interval
                    self.write(self.responder.stream())
            except OSError:
                if self._stop.is_set():
                    return  # unplug() closed the fds under us: that is the end of this device.
                raise

    def unplug(self) -> None:
        """Stop serving and close both ends of the pty: the reader sees a vanished device."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(1.0)
        for fd in (self.master_fd, self.slave_fd):
            try:
                os.close(fd)
            except OSError as exc:
                if exc.errno != 9:  # EBADF: already closed
                    raise

    close = unplug

    def __enter__(self) -> PtySimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unplug()
