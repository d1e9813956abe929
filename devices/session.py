"""The device session runner: one plain thread that keeps a thermometer connected and reports it.

The GUI wraps this in a Qt bridge; the CLI and tests use it directly.  The thread owns the port from open
to close, so no other thread ever touches a serial handle.  Faults are the normal case at a clinic desk:

* unplug: pyserial raises (SerialException, OSError EIO, Windows PermissionError) → the old handle is
  closed *first* (Windows refuses to reopen while it lives), status becomes ``no_device``;
* the port is then reopened every ``retry_interval`` (0.5 s) until it works → ``connected``;
* a request/reply device that stops answering for ``silence_timeout`` → ``error`` "no reply …", and back
  to ``connected`` with the next valid frame (wrong protocol or baud rate looks exactly like this);
* a device path that disappears while the line is quiet (``/dev/ttyUSB0`` after an unplug that raised
  nothing yet) is treated as an unplug.

Every wait is ``Event.wait`` or a serial read with a short timeout, so the thread never spins and
``stop()`` returns within a second.  Callbacks run on the session thread and must hand work off quickly.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from devices.base import DeviceUnavailable, Item, ProtocolError
from devices.registry import Device, DeviceConfig
from devices.transport import IO_ERRORS, describe_io_error

log = logging.getLogger(__name__)


class State(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NO_DEVICE = "no_device"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SessionStatus:
    """What the status bar shows: a state plus a short English reason (empty when connected)."""

    state: State
    reason: str = ""
    port: str = ""


class SessionBase:
    """What every device session shares: one thread, the callbacks, status reporting and opening a port.

    Subclasses implement ``_run`` (the thread body); ``_open`` classifies every way a port can refuse to
    open into a status the nurse can act on, so both the streaming and the on-demand session say the same
    thing for the same fault.
    """

    retry_interval = 0.5
    thread_name = "device"

    def __init__(
        self,
        config: DeviceConfig,
        on_reading: Callable[[Item], None],
        on_status: Callable[[SessionStatus], None] | None = None,
    ) -> None:
        self.config = config
        self.on_reading = on_reading
        self.on_status = on_status
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SessionStatus(State.CONNECTING, "", config.port)

    @property
    def status(self) -> SessionStatus:
        return self._status

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError(f"a {type(self).__name__} is started once")
        name = f"{self.thread_name}-{self.config.protocol}"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask the thread to finish and wait for it; True if it has ended."""
        self._stop.set()
        self._wake_for_stop()
        if self._thread is None:
            return True
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wake_for_stop(self) -> None:
        """Hook for a subclass whose thread waits on something other than ``_stop``."""

    def _run(self) -> None:
        raise NotImplementedError

    def _open(self, get_device: Callable[[], Device]) -> Device | None:
        """``get_device()`` (which may refuse bad settings) opened, or None with the status reported."""
        try:
            device = get_device()
            device.open()
        except DeviceUnavailable as exc:
            self._report(State.NO_DEVICE if exc.absent else State.ERROR, exc.reason)
            return None
        except ProtocolError as exc:
            # A configuration mistake does not fix itself: say so once and wait for stop().
            self._report(State.ERROR, f"bad settings: {exc}")
            self._stop.wait()
            return None
        except IO_ERRORS as exc:
            self._report(State.NO_DEVICE, describe_io_error(exc))
            return None
        self._report(State.CONNECTED, "")
        return device

    def _deliver(self, item: Item) -> None:
        try:
            self.on_reading(item)
        except Exception:
            log.exception("on_reading callback failed for %r", item)

    def _report(self, state: State, reason: str) -> None:
        status = SessionStatus(state, reason, self.config.port)
        if status == self._status:
            return
        self._status = status
        if self.on_status is None:
            return
        try:
            self.on_status(status)
        except Exception:
            log.exception("on_status callback failed for %r", status)


class DeviceSession(SessionBase):
    """Owns one thread that opens ``config``'s port, runs its driver and reports through callbacks.

    ``on_reading`` receives :class:`~devices.base.Reading` and :class:`~devices.base.DeviceError` items;
    ``on_status`` receives a :class:`SessionStatus` each time the state or reason changes.
    """

    silence_timeout = 3.0
    path_check_interval = 1.0

    def __init__(
        self,
        config: DeviceConfig,
        on_reading: Callable[[Item], None],
        on_status: Callable[[SessionStatus], None] | None = None,
    ) -> None:
        super().__init__(config, on_reading, on_status)
        self._device: Device | None = None

    # --- the session thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                device = self._connect()
                if device is None:
                    self._stop.wait(self.retry_interval)
                    continue
                self._pump(device)
                if not self._stop.is_set():
                    self._stop.wait(self.retry_interval)
        except Exception as exc:  # a bug here must show on the status bar, not vanish with the thread
            log.exception("device session crashed")
            if self._device is not None:
                self._device.close()
            self._report(State.ERROR, f"internal error: {type(exc).__name__}")
            return
        self._report(State.STOPPED, "")

    def _connect(self) -> Device | None:
        def reuse() -> Device:
            if self._device is None:
                self._device = Device(self.config, cancel=self._stop)
            return self._device

        return self._open(reuse)

    def _pump(self, device: Device) -> None:
        last_item = last_path_check = time.monotonic()
        driver = device.driver
        expects_replies = driver is not None and driver.expects_replies
        try:
            while not self._stop.is_set():
                started = time.monotonic()
                items = device.poll()
                for item in items:
                    self._deliver(item)
                now = time.monotonic()
                if self._answered(device, items):
                    last_item = now
                    if self._status.state is not State.CONNECTED:
                        self._report(State.CONNECTED, "")
                elif expects_replies and now - last_item > self.silence_timeout:
                    self._report(State.ERROR, "no reply from device (check protocol and baud rate)")
                if now - last_path_check >= self.path_check_interval:
                    last_path_check = now
                    if not self._path_present():
                        device.close()
                        self._report(State.NO_DEVICE, "device disconnected")
                        return
                pause = device.poll_interval - (now - started)
                if pause > 0:
                    self._stop.wait(pause)
        except IO_ERRORS as exc:
            device.close()  # Before anything else: Windows will not reopen while the old handle lives.
            self._report(State.NO_DEVICE, describe_io_error(exc))
            return
        except ProtocolError as exc:
            device.close()
            self._report(State.ERROR, f"bad settings: {exc}")
            self._stop.wait()
            return
        device.close()

    def _answered(self, device: Device, items: list[Item]) -> bool:
        """Whether the device showed it is alive this cycle; a card reader answers "no card" with no item."""
        return bool(items)

    def _path_present(self) -> bool:
        """Only meaningful for POSIX device paths; URLs and COM names are left to the read errors."""
        port = self.config.port
        if not port.startswith("/") or not self.config.family.needs_port:
            return True
        return os.path.exists(port)
