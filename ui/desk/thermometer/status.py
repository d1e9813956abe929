"""The thermometer's state in the status bar: one line of coloured text, never a dialog.

A loose USB cable may come and go many times an hour; a message box each time would steal the nurse's
keyboard focus mid-entry.  So every problem is a sentence here (red for "call support", grey for "plug it
in"), a short hint (e.g. "measure again") replaces it for a few seconds, and a click opens the device
settings.  The widget is a flat button so it is reachable by keyboard as well.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from devices.session import SessionStatus, State
from fever_desk.i18n import tr
from ui.services.device_config import translate_reason

COLOURS: dict[str, str] = {
    "connected": "#1b7f3b",
    "simulated": "#9a5b00",
    "connecting": "#666666",
    "no_device": "#666666",
    "stopped": "#666666",
    "error": "#b00020",
    "hint": "#9a5b00",
}

HINT_MS = 6000


class DeviceStatusWidget(QPushButton):
    """Shows a :class:`SessionStatus`; ``clicked`` means "open the device settings"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_status")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._status = SessionStatus(State.STOPPED)
        self._simulated = False
        self._label = ""
        self._hint = ""
        #: What is shown now: connected, simulated, connecting, no_device, error, stopped or hint.
        self.state = "stopped"
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.timeout.connect(self.clear_hint)
        self.retranslate()

    def show_status(self, status: SessionStatus, simulated: bool = False, label: str = "") -> None:
        """Show the session's state; ``label`` names the device (``lu90614@COM3``)."""
        self._status, self._simulated, self._label = status, simulated, label
        if status.state is not State.CONNECTED:
            self._hint = ""  # a stale "measure again" must not hide an unplug
            self._hint_timer.stop()
        self._render()

    def show_hint(self, text: str, milliseconds: int = HINT_MS) -> None:
        """A short message about the last reading, shown for a few seconds in place of the state."""
        self._hint = text
        self._hint_timer.start(milliseconds)
        self._render()

    def clear_hint(self) -> None:
        self._hint = ""
        self._render()

    def retranslate(self) -> None:
        self.setToolTip(tr("Click to choose the thermometer's port and protocol"))
        self._render()

    def _render(self) -> None:
        state, text = self._describe()
        self.state = state
        self.setText(f"● {text}")
        self.setStyleSheet(f"QPushButton {{ color: {COLOURS[state]}; text-align: left; padding: 0 6px; }}")

    def _describe(self) -> tuple[str, str]:
        status = self._status
        reason = translate_reason(status.reason) if status.reason else ""
        if self._hint:
            return "hint", self._hint
        if status.state is State.CONNECTED:
            if self._simulated:
                return "simulated", tr("Simulated thermometer: press F9 to measure")
            return "connected", tr("Thermometer connected ({device})", device=self._label)
        if status.state is State.CONNECTING:
            return "connecting", tr("Connecting to the thermometer…")
        if status.state is State.NO_DEVICE:
            if reason:
                return "no_device", tr("No thermometer: {reason}", reason=reason)
            return "no_device", tr("No thermometer")
        if status.state is State.ERROR:
            return "error", tr("Thermometer problem: {reason}", reason=reason)
        return "stopped", tr("Thermometer off")
