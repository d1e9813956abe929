"""The thermometer seen from the GUI thread: Qt signals in front of a plain device session thread.

:class:`devices.session.DeviceSession` calls back on its own thread; widgets may only be touched on the GUI
thread.  The bridge turns each callback into an event posted to itself (``QCoreApplication.postEvent`` is
thread-safe and is what a queued connection does underneath); the bridge lives on the GUI thread, so the
public signals are always emitted there and anything connected to them, lambdas included, runs there.
The session thread never waits for the GUI, and no Python object is shared with it beyond the payload.

Each session gets a generation number; deliveries from an older generation still sitting in the event
queue after :meth:`restart` or :meth:`stop` are dropped, so a reading from the previous port can never be
labelled with the new device's name.

Without a configured thermometer the bridge runs the simulator *on demand* (see
:mod:`devices.on_demand`): nothing is measured until :meth:`measure` is called.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal

from devices.base import DeviceError, Item, ProtocolError, Reading
from devices.on_demand import OnDemandSession
from devices.registry import DeviceConfig
from devices.session import DeviceSession, SessionStatus, State
from ui.services.device_config import SIMULATOR

log = logging.getLogger(__name__)

#: How long stop() waits for the session thread: one read timeout plus one write timeout, with margin.
STOP_TIMEOUT_S = 1.5


class Session(Protocol):
    """What the bridge needs from a session runner (DeviceSession and OnDemandSession both fit)."""

    @property
    def running(self) -> bool: ...

    def start(self) -> object: ...

    def stop(self, timeout: float = 1.0) -> bool: ...


SessionFactory = Callable[[DeviceConfig, Callable[[Item], None], Callable[[SessionStatus], None]], Session]


def default_session(
    config: DeviceConfig, on_item: Callable[[Item], None], on_status: Callable[[SessionStatus], None]
) -> Session:
    """Real thermometers poll continuously; the simulator answers only when asked (see module docstring)."""
    if config.protocol == SIMULATOR:
        return OnDemandSession(config, on_item, on_status)
    return DeviceSession(config, on_item, on_status)


class _Delivery(QEvent):
    """One callback from the session thread, carried to the GUI thread with its session's generation."""

    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, generation: int, payload: Item | SessionStatus) -> None:
        super().__init__(self.TYPE)
        self.generation = generation
        self.payload = payload


class DeviceBridge(QObject):
    """One thermometer for the desk: ``start``/``restart``/``stop`` on the GUI thread, results as signals.

    ``reading`` carries every plausible :class:`~devices.base.Reading` (body or surface: the consumer decides
    what a form may accept); ``implausible`` a body reading outside 34–43 °C, to be shown as "measure
    again" and never stored; ``device_error`` a :class:`~devices.base.DeviceError`; ``status_changed`` a
    :class:`~devices.session.SessionStatus`.
    """

    reading = Signal(object)
    implausible = Signal(object)
    device_error = Signal(object)
    status_changed = Signal(object)

    def __init__(self, parent: QObject | None = None, session_factory: SessionFactory = default_session):
        super().__init__(parent)
        self._factory = session_factory
        self._generation = 0
        self._session: Session | None = None
        self._handover: threading.Thread | None = None
        self._config: DeviceConfig | None = None
        self._status = SessionStatus(State.STOPPED)

    # ---- state --------------------------------------------------------------------------------------
    @property
    def config(self) -> DeviceConfig | None:
        return self._config

    @property
    def status(self) -> SessionStatus:
        return self._status

    @property
    def active(self) -> bool:
        """True between start() and stop(), whatever the device is doing."""
        return self._session is not None

    @property
    def simulated(self) -> bool:
        return self._config is not None and self._config.protocol == SIMULATOR

    @property
    def polled(self) -> bool:
        """True for a request/reply thermometer: it reports what is in front of it, many times a second."""
        if self._config is None or self.simulated:
            return False
        try:
            return bool(self._config.family.driver.expects_replies)
        except ProtocolError:  # unknown protocol in a hand-edited settings file
            return False

    @property
    def device_label(self) -> str:
        """The name saved with a measured temperature: ``simulator`` or ``protocol@port``."""
        if self._config is None:
            return ""
        try:
            return self._config.label()
        except ValueError:  # unknown protocol in a hand-edited settings file
            return self._config.protocol

    # ---- control (GUI thread) -----------------------------------------------------------------------
    def start(self, config: DeviceConfig) -> None:
        """Start reading ``config``; if already running, this is :meth:`restart`."""
        self.restart(config)

    def restart(self, config: DeviceConfig) -> None:
        """Switch to ``config`` without blocking the GUI thread.

        The old session is stopped and joined on a short-lived handover thread before the new one opens
        the port, because ports are opened exclusively (and Windows refuses to reopen a live handle).
        """
        old = self._session
        self._generation += 1
        generation = self._generation
        self._config = config
        self._session = new = self._factory(
            config, self._item_callback(generation), self._status_callback(generation)
        )
        self._set_status(SessionStatus(State.CONNECTING, "", config.port))
        if old is None and self._handover is None:
            new.start()
            return
        previous = self._handover

        def handover() -> None:
            if previous is not None:
                previous.join(STOP_TIMEOUT_S)
            if old is not None and not old.stop(STOP_TIMEOUT_S):
                log.warning("previous device session did not stop within %.1f s", STOP_TIMEOUT_S)
            new.start()

        self._handover = threading.Thread(target=handover, name="device-handover", daemon=True)
        self._handover.start()

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop and join the session thread (bounded by ``timeout``); True if every thread has ended.

        Called on window close and on test teardown.  Deliveries still queued are dropped.
        """
        self._generation += 1
        session, self._session = self._session, None
        handover, self._handover = self._handover, None
        if handover is not None:
            handover.join(timeout)
        stopped = session.stop(timeout) if session is not None else True
        if handover is not None and handover.is_alive():
            stopped = False
        if self._config is not None:
            self._set_status(SessionStatus(State.STOPPED, "", self._config.port))
        return stopped

    def measure(self) -> bool:
        """Ask an on-demand device (the simulator) for one reading; False if the device measures by itself."""
        measure = getattr(self._session, "measure", None)
        if not callable(measure):
            return False
        measure()
        return True

    # ---- session thread → GUI thread ----------------------------------------------------------------
    def _post(self, generation: int, payload: Item | SessionStatus) -> None:
        QCoreApplication.postEvent(self, _Delivery(generation, payload))

    def _item_callback(self, generation: int) -> Callable[[Item], None]:
        return lambda item: self._post(generation, item)

    def _status_callback(self, generation: int) -> Callable[[SessionStatus], None]:
        return lambda status: self._post(generation, status)

    def customEvent(self, event: QEvent) -> None:
        """Runs on the GUI thread; drops anything from a session that is no longer current."""
        if not isinstance(event, _Delivery) or event.generation != self._generation:
            return
        payload = event.payload
        if isinstance(payload, SessionStatus):
            self._set_status(payload)
        elif isinstance(payload, Reading):
            (self.reading if payload.plausible else self.implausible).emit(payload)
        elif isinstance(payload, DeviceError):
            self.device_error.emit(payload)

    def _set_status(self, status: SessionStatus) -> None:
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)
