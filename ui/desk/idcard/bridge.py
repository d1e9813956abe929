"""The card reader seen from the GUI thread: the thermometer's bridge, carrying cards instead of readings.

:class:`~ui.desk.thermometer.bridge.DeviceBridge` already does the hard part (events posted from the
session thread, a generation number so that nothing from an old port arrives after a restart, a handover
thread so that the old port is closed before the new one opens, stop-and-join); this subclass only
changes what a delivery turns into and which session runs the reader.

A real reader is polled continuously (:class:`~devices.idcard.reader.CardReaderSession`, which reconnects
after an unplug).  The simulated reader answers one poll per :meth:`present` (F11), as the simulated
thermometer measures only on F9: a simulator polled continuously would push an invented person into
every form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal

from devices.base import Item
from devices.idcard.reader import SIMULATOR, CardRead, CardReadError, CardReaderSession, ReaderConfig
from devices.on_demand import OnDemandSession
from devices.registry import DeviceConfig
from devices.session import SessionStatus
from ui.desk.thermometer.bridge import DeviceBridge, Session, SessionFactory, _Delivery


def default_reader_session(
    config: DeviceConfig, on_item: Callable[[Item], None], on_status: Callable[[SessionStatus], None]
) -> Session:
    """Polled for a real reader, on demand for the simulator (see the module docstring)."""
    if config.protocol == SIMULATOR:
        return OnDemandSession(config, on_item, on_status)
    assert isinstance(config, ReaderConfig)
    return CardReaderSession(config, on_item, on_status)  # type: ignore[arg-type]


class CardReaderBridge(DeviceBridge):
    """``card_read`` carries a :class:`CardRead`, ``card_failed`` a :class:`CardReadError`; both on the GUI
    thread.  ``status_changed`` as for the thermometer."""

    card_read = Signal(object)
    card_failed = Signal(object)

    def __init__(
        self, parent: QObject | None = None, session_factory: SessionFactory = default_reader_session
    ) -> None:
        super().__init__(parent, session_factory)

    @property
    def simulated(self) -> bool:
        return self.config is not None and self.config.protocol == SIMULATOR

    def present(self) -> bool:
        """The simulator: place the next sample card (False if this reader reads real cards)."""
        return self.measure()

    def customEvent(self, event: QEvent) -> None:
        if not isinstance(event, _Delivery) or event.generation != self._generation:
            return
        payload = event.payload
        if isinstance(payload, SessionStatus):
            self._set_status(payload)
        elif isinstance(payload, CardRead):
            self.card_read.emit(payload)
        elif isinstance(payload, CardReadError):
            self.card_failed.emit(payload)
