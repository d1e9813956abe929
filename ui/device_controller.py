"""What the desk does with thermometer readings: the policy between the bridge and the screening form.

Only a plausible *body* reading fills the temperature field, marked as measured by the device.  Everything
else is a short hint in the status bar and never touches the record:

* a body value outside 34–43 °C (nobody in front of the sensor, a forehead still cold from outside) asks
  for a new measurement; if the field is empty the badge beside it says so too;
* a surface/object value is not a body temperature: the device is in the wrong mode;
* a device error code;
* any reading while a saved record is being corrected: a thermometer that measures continuously would
  otherwise overwrite the corrected record with whoever stands at the counter now.

A plausible body reading does replace a value typed by hand: pointing the thermometer is the nurse's
explicit act, and the badge beside the field changes to "from thermometer …" so the switch is visible.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from devices.base import DeviceError, Reading
from devices.session import SessionStatus
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.device_bridge import DeviceBridge
from ui.device_config import device_config
from ui.screens.device_status import DeviceStatusWidget
from ui.screens.screening_form import ScreeningForm

REMEASURE_STYLE = "color: #9a5b00; font-weight: bold;"


class DeviceController(QObject):
    """Owns the bridge, the status-bar widget and the F9 "measure" action for one screening form."""

    #: The nurse clicked the status widget: the window opens the device settings.
    settings_requested = Signal()

    def __init__(
        self, form: ScreeningForm, parent: QObject | None = None, bridge: DeviceBridge | None = None
    ):
        super().__init__(parent)
        self.form = form
        self.bridge = bridge or DeviceBridge(self)
        self.status_widget = DeviceStatusWidget()
        self.status_widget.clicked.connect(self.settings_requested)
        self.measure_action = QAction(self)
        self.measure_action.setObjectName("measure")
        self.measure_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        self.measure_action.triggered.connect(self.measure)
        self.bridge.reading.connect(self._on_reading)
        self.bridge.implausible.connect(self._on_implausible)
        self.bridge.device_error.connect(self._on_device_error)
        self.bridge.status_changed.connect(self._on_status)
        self.retranslate()

    # ---- lifecycle ----------------------------------------------------------------------------------
    def start(self, settings: Settings) -> None:
        """Open the configured thermometer (the on-demand simulator when none is configured)."""
        self.bridge.start(device_config(settings))

    def apply_settings(self, settings: Settings) -> None:
        """Reopen the device only if its settings changed, so saving other settings keeps it connected.

        Does nothing before :meth:`start`: the window may apply settings before the desk is running.
        """
        config = device_config(settings)
        if self.bridge.active and config != self.bridge.config:
            self.bridge.restart(config)
        self.retranslate()

    def stop(self) -> bool:
        return self.bridge.stop()

    def retranslate(self) -> None:
        self.measure_action.setText(tr("&Measure with the simulated thermometer"))
        self.measure_action.setEnabled(self.bridge.simulated)
        self.status_widget.retranslate()

    def measure(self) -> None:
        if not self.bridge.measure():
            self.status_widget.show_hint(tr("This thermometer measures by itself: point it at the forehead."))

    # ---- readings -----------------------------------------------------------------------------------
    def _on_reading(self, reading: Reading) -> None:
        celsius = f"{reading.celsius:.1f}"
        if not reading.is_body_temperature:
            self.status_widget.show_hint(
                tr(
                    "{celsius} °C is not a body temperature: set the thermometer to body mode.",
                    celsius=celsius,
                )
            )
            return
        if getattr(self.form, "editing", None) is not None:
            self.status_widget.show_hint(
                tr(
                    "{celsius} °C not used while correcting a saved record; type it if it belongs.",
                    celsius=celsius,
                )
            )
            return
        self.form.set_device_reading(
            reading.celsius, reading.mode, self.bridge.device_label, reading.timestamp
        )
        self.status_widget.clear_hint()

    def _on_implausible(self, reading: Reading) -> None:
        text = tr("{celsius} °C is outside 34–43 °C: measure again.", celsius=f"{reading.celsius:.1f}")
        self.status_widget.show_hint(text)
        if not self.form.temperature.text().strip():
            self.form.temperature_badge.setText(tr("measure again"))
            self.form.temperature_badge.setStyleSheet(REMEASURE_STYLE)

    def _on_device_error(self, error: DeviceError) -> None:
        self.status_widget.show_hint(
            tr("The thermometer reported error {code}: measure again.", code=error.code)
        )

    def _on_status(self, status: SessionStatus) -> None:
        self.status_widget.show_status(status, self.bridge.simulated, self.bridge.device_label)
        self.measure_action.setEnabled(self.bridge.simulated)
