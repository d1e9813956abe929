"""The thermometer at the desk: a reading fills the form by itself, a bad one never does, an unplug is
one line of status text.  A real pty carries the bytes, so pyserial, the session thread and the Qt hop are
all the production code."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from devices.base import make_reading
from devices.registry import DeviceConfig
from devices.session import State
from devices.simulator import PtySimulator
from fever_desk.guidelines import get_guideline
from fever_desk.i18n import tr
from fever_desk.model import MeasureMode, TemperatureSource
from fever_desk.triage import FeverRule
from ui.desk.screening.form import ScreeningForm
from ui.desk.thermometer.bridge import DeviceBridge
from ui.desk.thermometer.controller import DeviceController


def device_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(("device-", "device-handover"))]


@pytest.fixture
def form(qtbot) -> ScreeningForm:
    widget = ScreeningForm(get_guideline("national-v5-outside-hubei"), FeverRule())
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def desk(qtbot, form: ScreeningForm) -> Iterator[DeviceController]:
    controller = DeviceController(form)
    qtbot.addWidget(controller.status_widget)
    try:
        yield controller
    finally:
        assert controller.stop(), "the device thread did not stop"
        assert device_threads() == []


@pytest.fixture
def sim() -> Iterator[PtySimulator]:
    simulator = PtySimulator("lu90614", {"seed": 7})
    try:
        yield simulator
    finally:
        simulator.unplug()


def no_dialogs() -> bool:
    return not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox | QDialog)]


def test_a_reading_fills_the_form_without_a_key_press(qtbot, desk: DeviceController, form, sim) -> None:
    delivered_on: list[threading.Thread] = []
    desk.bridge.reading.connect(lambda _r: delivered_on.append(threading.current_thread()))
    desk.bridge.start(DeviceConfig("lu90614", sim.path))
    qtbot.waitUntil(lambda: form.temperature.text() != "", timeout=5000)
    assert 34.0 <= float(form.temperature.text()) <= 43.0
    assert form.temp.source is TemperatureSource.DEVICE
    assert form.temp.device == f"lu90614@{sim.path}"
    assert form.temperature_badge.text() == tr("from thermometer {device}", device=f"lu90614@{sim.path}")
    assert delivered_on and all(t is threading.main_thread() for t in delivered_on)
    qtbot.waitUntil(lambda: desk.status_widget.state == "connected", timeout=2000)
    assert sim.path in desk.status_widget.text()


def test_an_implausible_reading_never_fills_the_field(qtbot, desk: DeviceController, form, sim) -> None:
    sim.responder.model.body = lambda: 31.0  # nobody in front of the sensor: ambient-like value
    with qtbot.waitSignal(desk.bridge.implausible, timeout=5000) as blocker:
        desk.bridge.start(DeviceConfig("lu90614", sim.path))
    reading = blocker.args[0]
    assert reading.celsius == 31.0 and not reading.plausible
    qtbot.wait(600)  # a few more polls: still nothing in the field
    assert form.temperature.text() == ""
    assert form.temp.source is TemperatureSource.MANUAL
    assert form.temperature_badge.text() == tr("measure again")
    assert desk.status_widget.state == "hint"
    assert "31.0" in desk.status_widget.text()


def test_unplug_is_status_text_within_two_seconds_and_no_dialog(qtbot, desk: DeviceController, sim) -> None:
    desk.bridge.start(DeviceConfig("lu90614", sim.path))
    qtbot.waitUntil(lambda: desk.bridge.status.state is State.CONNECTED, timeout=5000)
    sim.unplug()
    qtbot.waitUntil(lambda: desk.bridge.status.state is State.NO_DEVICE, timeout=2000)
    assert desk.status_widget.state == "no_device"
    assert desk.status_widget.text().startswith("● " + tr("No thermometer"))
    qtbot.wait(1200)  # the session keeps retrying the port: still no dialog, no error storm
    assert desk.bridge.status.state is State.NO_DEVICE
    assert no_dialogs()


def test_the_simulator_measures_only_when_asked(qtbot, desk: DeviceController, form) -> None:
    desk.bridge.start(DeviceConfig("simulator"))
    qtbot.waitUntil(lambda: desk.status_widget.state == "simulated", timeout=3000)
    assert desk.measure_action.isEnabled()
    qtbot.wait(800)  # longer than a real device's poll interval
    assert form.temperature.text() == ""
    desk.measure_action.trigger()
    qtbot.waitUntil(lambda: form.temperature.text() != "", timeout=3000)
    assert form.temp.source is TemperatureSource.DEVICE
    assert form.temp.device == "simulator"


def test_after_restart_only_the_new_device_is_heard(qtbot, desk: DeviceController, form) -> None:
    first, second = PtySimulator("lu90614", {"seed": 1}), PtySimulator("lu90614", {"seed": 2})
    first.responder.model.body = lambda: 36.1
    second.responder.model.body = lambda: 38.2
    try:
        desk.bridge.start(DeviceConfig("lu90614", first.path, options={"interval": 0.02}))
        qtbot.waitUntil(lambda: form.temperature.text() == "36.1", timeout=5000)
        heard: list[float] = []
        desk.bridge.reading.connect(lambda r: heard.append(r.celsius))
        desk.bridge.restart(DeviceConfig("lu90614", second.path, options={"interval": 0.02}))
        qtbot.waitUntil(lambda: len(heard) >= 3, timeout=5000)
        assert set(heard) == {38.2}
        assert form.temp.device == f"lu90614@{second.path}"
    finally:
        first.unplug()
        second.unplug()


def test_only_a_body_reading_outside_a_correction_reaches_the_form(qtbot, form) -> None:
    bridge = DeviceBridge()
    controller = DeviceController(form, bridge=bridge)
    bridge.reading.emit(make_reading(33.1, MeasureMode.OBJECT, b""))
    assert form.temperature.text() == ""
    assert controller.status_widget.state == "hint"
    form.editing = object()  # type: ignore[assignment] - any saved record under correction
    bridge.reading.emit(make_reading(36.9, MeasureMode.BODY, b""))
    assert form.temperature.text() == ""
    form.editing = None
    bridge.reading.emit(make_reading(36.9, MeasureMode.BODY, b""))
    assert form.temperature.text() == "36.9"
    assert form.temp.source is TemperatureSource.DEVICE
    assert bridge.stop()


def test_stop_without_start_and_twice_is_harmless(qtbot) -> None:
    bridge = DeviceBridge()
    assert bridge.stop()
    bridge.start(DeviceConfig("simulator"))
    assert bridge.stop()
    assert bridge.stop()
    assert device_threads() == []


def test_a_polled_thermometer_does_not_carry_the_last_patient_into_the_next_form(qtbot, form) -> None:
    """LU90614 modules are polled several times a second and report whoever is still in front of them."""
    bridge = DeviceBridge()
    controller = DeviceController(form, bridge=bridge)
    bridge.start(DeviceConfig("lu90614", "/dev/no-such-thermometer"))  # polled family; no readings of its own
    try:
        assert bridge.polled and controller.measure_action.isEnabled()
        bridge.reading.emit(make_reading(38.6, MeasureMode.BODY, b""))
        assert form.temperature.text() == "38.6"
        form.clear()  # saved: the next patient's form
        bridge.reading.emit(make_reading(38.6, MeasureMode.BODY, b""))  # the same person, still there
        assert form.temperature.text() == ""
        assert controller.status_widget.state == "hint" and "F9" in controller.status_widget.text()
        bridge.implausible.emit(make_reading(24.8, MeasureMode.BODY, b""))  # nobody there: the room
        bridge.reading.emit(make_reading(36.7, MeasureMode.BODY, b""))  # the next patient steps up
        assert form.temperature.text() == "36.7"
        assert form.temp.source is TemperatureSource.DEVICE
        form.clear()
        bridge.reading.emit(make_reading(36.8, MeasureMode.BODY, b""))
        assert form.temperature.text() == ""
        controller.measure_action.trigger()  # F9: the nurse knows this is the new patient
        assert form.temperature.text() == "36.8"
    finally:
        assert bridge.stop()
