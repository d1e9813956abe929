"""The thermometer's sentences for the status bar's device widget (``ui/desk/widgets/device_status.py``,
shared with the ID card reader): connected, simulated (F9 measures), no device and why, a problem."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from fever_desk.i18n import tr
from ui.desk.widgets.device_status import DeviceStatus, DeviceWords

THERMOMETER_WORDS = DeviceWords(
    tooltip=lambda: tr("Click to choose the thermometer's port and protocol"),
    simulated=lambda: tr("Simulated thermometer: press F9 to measure"),
    connected=lambda label: tr("Thermometer connected ({device})", device=label),
    connecting=lambda: tr("Connecting to the thermometer…"),
    no_device=lambda: tr("No thermometer"),
    no_device_because=lambda reason: tr("No thermometer: {reason}", reason=reason),
    error=lambda reason: tr("Thermometer problem: {reason}", reason=reason),
    stopped=lambda: tr("Thermometer off"),
)


def thermometer_status(parent: QWidget | None = None) -> DeviceStatus:
    """The thermometer's state in the status bar; ``clicked`` opens the device settings."""
    return DeviceStatus(THERMOMETER_WORDS, "device_status", parent)
