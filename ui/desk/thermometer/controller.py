"""What the desk does with thermometer readings: the policy between the bridge and the screening form.

Only a plausible *body* reading fills the temperature field, marked as measured by the device.  Everything
else is a short hint in the status bar and never touches the record:

* a body value outside 34–43 °C (nobody in front of the sensor, a forehead still cold from outside) asks
  for a new measurement; if the field is empty the badge beside it says so too;
* a surface/object value is not a body temperature: the device is in the wrong mode;
* a device error code;
* any reading while a saved record is being corrected: a thermometer that measures continuously would
  otherwise overwrite the corrected record with whoever stands at the counter now;
* after the form is cleared (a save, F2, Esc), a *polled* thermometer's readings until it has seen
  nobody: it reports several times a second whatever is in front of it, and the patient just saved is
  usually still there, so the next, empty form would otherwise open with their temperature.  A reading
  outside the body range (the sensor sees the room) ends the wait; F9 takes the current reading at once.

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
from ui.desk.screening.form import ScreeningForm
from ui.desk.thermometer.bridge import DeviceBridge
from ui.desk.thermometer.status import thermometer_status
from ui.services.device_config import device_config

REMEASURE_STYLE = "color: #9a5b00; font-weight: bold;"


class DeviceController(QObject):
    """Owns the bridge, the status-bar widget and the F9 "measure" action for one screening form."""

    #: The nurse clicked the status widget: the window opens the device settings.
    settings_requested = Signal()

    def __init__(
        self, form: ScreeningForm, parent: QObject | None = None, bridge: DeviceBridge | None = None
    ):
        super().__init__(parent)
        self._form: ScreeningForm | None = None
        self._watched: set[int] = set()
        self._waiting_for_nobody = False
        self._latest: Reading | None = None
        self.form = form
        self.bridge = bridge or DeviceBridge(self)
        self.status_widget = thermometer_status()
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

    @property
    def form(self) -> ScreeningForm:
        assert self._form is not None
        return self._form

    @form.setter
    def form(self, form: ScreeningForm) -> None:
        """The form in front of the nurse (the desk's or the pharmacy's) receives the readings."""
        self._form = form
        cleared = getattr(form, "cleared", None)
        if cleared is not None and id(form) not in self._watched:
            self._watched.add(id(form))
            cleared.connect(self._form_cleared)

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
        self._update_measure_action()
        self.status_widget.retranslate()

    def _update_measure_action(self) -> None:
        if self.bridge.polled:
            self.measure_action.setText(tr("&Use the thermometer's current reading"))
        else:
            self.measure_action.setText(tr("&Measure with the simulated thermometer"))
        self.measure_action.setEnabled(self.bridge.simulated or self.bridge.polled)

    def measure(self) -> None:
        """F9: the simulator measures; a polled thermometer's latest body reading is taken as it is."""
        if self.bridge.measure():
            return
        if self.bridge.polled and self._latest is not None:
            self._waiting_for_nobody = False
            self._on_reading(self._latest)
            return
        self.status_widget.show_hint(tr("This thermometer measures by itself: point it at the forehead."))

    def _form_cleared(self) -> None:
        if self.bridge.polled:
            self._waiting_for_nobody = True
            self._latest = None

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
        if self._waiting_for_nobody:
            self._latest = reading
            self.status_widget.show_hint(
                tr(
                    "{celsius} °C: waiting for the thermometer to see nobody before the next patient; "
                    "F9 uses this reading.",
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
        self._waiting_for_nobody = False  # the sensor sees the room: whoever comes next is measured afresh
        self._latest = None
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
        self._update_measure_action()
