"""A device that measures only when asked: how the desk runs the simulated thermometer.

Why not let the simulator poll like a real thermometer?  A simulator polled every half second would put a
plausible, invented temperature into every new patient's form; a busy nurse who forgets to measure would
then save a number no one measured.  Here each simulated reading is the answer to one deliberate request
(the nurse's F9), it is labelled ``simulator`` on the record, and the status bar says "simulated".

Same contract as :class:`devices.session.DeviceSession` (``start``/``stop``/``status``/``running`` and the two
callbacks on a plain thread), so :class:`ui.desk.thermometer.bridge.DeviceBridge` treats both alike.  It works
for any protocol: the device is opened once and ``measure()`` runs one driver poll on the session thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.base import Item
from devices.registry import Device, DeviceConfig
from devices.session import SessionBase, SessionStatus, State
from devices.transport import IO_ERRORS, describe_io_error

log = logging.getLogger(__name__)

#: Polls tried per request before giving up; one suffices for the simulator, a real device may need two.
POLLS_PER_REQUEST = 3


class OnDemandSession(SessionBase):
    """Keeps one device open on its own thread and polls it once per :meth:`measure` call."""

    thread_name = "device-on-demand"

    def __init__(
        self,
        config: DeviceConfig,
        on_reading: Callable[[Item], None],
        on_status: Callable[[SessionStatus], None] | None = None,
    ) -> None:
        super().__init__(config, on_reading, on_status)
        self._wake = threading.Event()
        self._requests = 0
        self._lock = threading.Lock()

    def measure(self) -> None:
        """Ask for one reading; safe from any thread, never blocks.  A request made while connecting waits."""
        with self._lock:
            self._requests += 1
        self._wake.set()

    def _wake_for_stop(self) -> None:
        self._wake.set()

    # --- the session thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        device: Device | None = None
        try:
            while not self._stop.is_set():
                device = device or self._open(lambda: Device(self.config, cancel=self._stop))
                if device is None:
                    self._stop.wait(self.retry_interval)
                    continue
                if not self._serve(device):
                    device = None
                    self._stop.wait(self.retry_interval)
        except Exception as exc:  # a bug here must show on the status bar, not vanish with the thread
            log.exception("on-demand device session crashed")
            self._report(State.ERROR, f"internal error: {type(exc).__name__}")
            return
        finally:
            if device is not None:
                device.close()
        self._report(State.STOPPED, "")

    def _serve(self, device: Device) -> bool:
        """Answer requests until stopped (True) or the port fails (False, device closed)."""
        try:
            while not self._stop.is_set():
                self._wake.wait()
                self._wake.clear()
                while not self._stop.is_set() and self._take_request():
                    self._measure_once(device)
        except IO_ERRORS as exc:
            device.close()
            self._report(State.NO_DEVICE, describe_io_error(exc))
            return False
        return True

    def _take_request(self) -> bool:
        with self._lock:
            if self._requests <= 0:
                return False
            self._requests -= 1
            return True

    def _measure_once(self, device: Device) -> None:
        for _ in range(POLLS_PER_REQUEST):
            items = device.poll()
            for item in items:
                self._deliver(item)
            if items or self._stop.is_set():
                return
