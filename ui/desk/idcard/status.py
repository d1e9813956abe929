"""The card reader's sentences for the status bar's device widget, beside the thermometer's and the same
widget (``ui/desk/widgets/device_status.py``): one line of coloured text that never takes the keyboard, a
short hint after each card ("card read: 王*明"), a click to open the reader's settings."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from fever_desk.i18n import tr
from ui.desk.widgets.device_status import DeviceStatus, DeviceWords

CARD_READER_WORDS = DeviceWords(
    tooltip=lambda: tr("Click to choose the ID card reader's port"),
    simulated=lambda: tr("Simulated card reader: F11 places a sample card"),
    connected=lambda label: tr("Card reader ready ({device})", device=label),
    connecting=lambda: tr("Connecting to the card reader…"),
    no_device=lambda: tr("No card reader"),
    no_device_because=lambda reason: tr("No card reader: {reason}", reason=reason),
    error=lambda reason: tr("Card reader problem: {reason}", reason=reason),
    stopped=lambda: tr("No card reader set up"),
)


def card_reader_status(parent: QWidget | None = None) -> DeviceStatus:
    """The reader's state in the status bar: connected, simulated, connecting, no_device, error, stopped
    (no reader set up) or hint; ``clicked`` opens Settings → Devices."""
    return DeviceStatus(CARD_READER_WORDS, "idcard_status", parent)
