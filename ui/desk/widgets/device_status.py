"""A device's state in the status bar — the thermometer's and the ID card reader's — one line of coloured
text, never a dialog.

A loose USB cable may come and go many times an hour; a message box each time would steal the nurse's
keyboard focus mid-entry.  So every problem is a sentence here (red for "call support", grey for "plug it
in"), a short hint (e.g. "measure again", "card read: 王*明") replaces it for a few seconds, and a click
opens the device's settings.  The widget is a flat button so it is reachable by keyboard as well.

One widget serves every device: what differs is only the sentences, which each device's folder gives as
a :class:`DeviceWords` (``ui/desk/thermometer/status.py``, ``ui/desk/idcard/status.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from devices.session import SessionStatus, State
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


@dataclass(frozen=True)
class DeviceWords:
    """A device's sentences, each a function so it is translated when shown (the language may change).

    ``connected`` gets the device's label (``lu90614@COM3``); ``no_device_because`` and ``error`` the
    reason already in the user's language.
    """

    tooltip: Callable[[], str]
    simulated: Callable[[], str]
    connected: Callable[[str], str]
    connecting: Callable[[], str]
    no_device: Callable[[], str]
    no_device_because: Callable[[str], str]
    error: Callable[[str], str]
    stopped: Callable[[], str]


class DeviceStatus(QPushButton):
    """Shows a :class:`SessionStatus` in ``words``; ``clicked`` means "open the device's settings"."""

    def __init__(self, words: DeviceWords, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = words
        self.setObjectName(object_name)
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
        self.setToolTip(self.words.tooltip())
        self._render()

    def _render(self) -> None:
        state, text = self._describe()
        self.state = state
        self.setText(f"● {text}")
        self.setStyleSheet(f"QPushButton {{ color: {COLOURS[state]}; text-align: left; padding: 0 6px; }}")

    def _describe(self) -> tuple[str, str]:
        status, words = self._status, self.words
        reason = translate_reason(status.reason) if status.reason else ""
        if self._hint:
            return "hint", self._hint
        if status.state is State.CONNECTED:
            if self._simulated:
                return "simulated", words.simulated()
            return "connected", words.connected(self._label)
        if status.state is State.CONNECTING:
            return "connecting", words.connecting()
        if status.state is State.NO_DEVICE:
            return "no_device", words.no_device_because(reason) if reason else words.no_device()
        if status.state is State.ERROR:
            return "error", words.error(reason)
        return "stopped", words.stopped()
