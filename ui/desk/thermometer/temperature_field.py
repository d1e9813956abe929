"""The temperature box and its badge: a typed number is never mistaken for a measured one.

Both counter forms (screening and pharmacy) have one.  Typing marks the value "typed by hand"; a
thermometer reading fills the box without a key press and marks it with the device and its mode, which
are saved with the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QLineEdit

from fever_desk.i18n import tr
from fever_desk.model import MeasureMode, Temperature, TemperatureSource
from ui.desk.widgets.inputs import set_style


class TemperatureField(QObject):
    def __init__(self, edit: QLineEdit, badge: QLabel) -> None:
        super().__init__(edit)
        self.edit = edit
        self.badge = badge
        self.source = TemperatureSource.MANUAL
        self.mode = MeasureMode.BODY
        self.at: datetime | None = None
        self.device = ""
        edit.textEdited.connect(self.typed)
        self.retranslate()

    def set_device_reading(self, celsius: float, mode: MeasureMode, device: str, at: datetime) -> None:
        self.edit.setText(f"{celsius:.1f}")
        self.source, self.mode, self.device, self.at = TemperatureSource.DEVICE, mode, device, at
        self.retranslate()

    def typed(self, _text: str = "") -> None:
        self.source, self.mode, self.device, self.at = TemperatureSource.MANUAL, MeasureMode.BODY, "", None
        self.retranslate()

    def load(self, temperature: Temperature) -> None:
        """Show a saved temperature as it was recorded (for a correction)."""
        self.edit.setText(f"{temperature.celsius:.1f}")
        self.source, self.mode = temperature.source, temperature.mode
        self.device, self.at = temperature.device, temperature.measured_at
        self.retranslate()

    def draft_values(self) -> dict[str, Any]:
        """The ``temperature_*`` fields of a validation draft."""
        return {
            "temperature": self.edit.text(),
            "temperature_source": self.source,
            "temperature_mode": self.mode,
            "temperature_at": self.at,
            "temperature_device": self.device,
        }

    def retranslate(self) -> None:
        if self.source is TemperatureSource.DEVICE:
            self.badge.setText(tr("from thermometer {device}", device=self.device))
            set_style(self.badge, "color: #1b7f3b;")
        else:
            self.badge.setText(tr("typed by hand"))
            set_style(self.badge, "color: #555;")
