"""The card reader's state in the status bar, beside the thermometer's, with the same habits: one line of
coloured text that never takes the keyboard, a short hint after each card ("card read: 王*明"), a click
to open the reader's settings."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from devices.session import State
from fever_desk.i18n import tr
from ui.desk.thermometer.status import DeviceStatusWidget
from ui.services.device_config import translate_reason


class CardReaderStatusWidget(DeviceStatusWidget):
    """``state`` is one of connected, simulated, connecting, no_device, error, stopped (no reader) or hint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idcard_status")

    def retranslate(self) -> None:
        self.setToolTip(tr("Click to choose the ID card reader's port"))
        self._render()

    def _describe(self) -> tuple[str, str]:
        status = self._status
        reason = translate_reason(status.reason) if status.reason else ""
        if self._hint:
            return "hint", self._hint
        if status.state is State.CONNECTED:
            if self._simulated:
                return "simulated", tr("Simulated card reader: F11 places a sample card")
            return "connected", tr("Card reader ready ({device})", device=self._label)
        if status.state is State.CONNECTING:
            return "connecting", tr("Connecting to the card reader…")
        if status.state is State.NO_DEVICE:
            if reason:
                return "no_device", tr("No card reader: {reason}", reason=reason)
            return "no_device", tr("No card reader")
        if status.state is State.ERROR:
            return "error", tr("Card reader problem: {reason}", reason=reason)
        return "stopped", tr("No card reader set up")
