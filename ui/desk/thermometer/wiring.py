"""The thermometer in the window: its state in the status bar (a click opens the device settings), F9
in the Station menu, the settings it follows, and its thread stopped on close.  Which form it fills is
the window's choice (the counter form in front)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.desk.shell import Shell
    from ui.desk.thermometer.controller import DeviceController


def install_thermometer(shell: Shell, form: Any) -> DeviceController:
    """Started once the screens exist; its state is text in the status bar, never a dialog."""
    from ui.desk.thermometer.controller import DeviceController

    devices = DeviceController(form, shell)  # the window is its parent
    shell.add_status_widget(devices.status_widget)
    devices.settings_requested.connect(shell.open_device_settings)
    shell.station.settings_changed.connect(lambda _old: devices.apply_settings(shell.station.settings))
    shell.station_menu.insertAction(shell.find_action, devices.measure_action)
    shell.on_close(devices.stop)
    shell.on_retranslate(devices.retranslate)
    return devices
