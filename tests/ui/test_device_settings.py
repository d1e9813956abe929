"""Choosing the thermometer, the status-bar line, and the device layer's reasons in Chinese."""

from __future__ import annotations

import ast
from pathlib import Path

from devices.session import SessionStatus, State
from fever_desk.i18n import catalogue
from fever_desk.settings import Settings
from ui.desk.thermometer.settings import DeviceSettingsDialog
from ui.desk.thermometer.status import thermometer_status
from ui.services.device_config import KNOWN_REASONS, PREFIXED_REASONS, device_config, translate_reason

ROOT = Path(__file__).resolve().parents[2]


def test_a_port_and_protocol_are_remembered_in_settings(qtbot) -> None:
    dialog = DeviceSettingsDialog(Settings())
    qtbot.addWidget(dialog)
    section = dialog.section
    assert section.protocol.currentData() == "simulator"
    assert not section.port.isEnabled()
    qtbot.waitUntil(lambda: "…" not in section.scan_state.text(), timeout=5000)
    section.protocol.setCurrentIndex(section.protocol.findData("lu90614"))
    assert section.port.isEnabled() and "9600" in section.baud.specialValueText()
    section.port.setText("/dev/ttyUSB0")
    section.options.setText('{"mode": "body"}')
    dialog.accept()
    assert dialog.result() == DeviceSettingsDialog.DialogCode.Accepted
    new = dialog.result_settings()
    assert (new.device_protocol, new.device_port, new.device_baudrate) == ("lu90614", "/dev/ttyUSB0", None)
    assert new.device_options == {"mode": "body"}
    assert device_config(new).label() == "lu90614@/dev/ttyUSB0"


def test_a_bad_choice_is_refused_with_the_problem_named(qtbot) -> None:
    dialog = DeviceSettingsDialog(
        Settings(device_protocol="modbus_rtu", device_port="COM3", device_baudrate=19200)
    )
    qtbot.addWidget(dialog)
    section = dialog.section
    assert section.baud.value() == 19200 and section.port.text() == "COM3"
    section.options.setText('{"slave": 999}')
    dialog.accept()
    assert dialog.result() != DeviceSettingsDialog.DialogCode.Accepted
    assert "slave" in section.error.text()
    section.options.setText("not json")
    assert "JSON" in section.problem()
    section.options.setText("")
    section.port.setText("")
    assert section.problem()


def test_status_widget_states(qtbot) -> None:
    widget = thermometer_status()
    qtbot.addWidget(widget)
    widget.show_status(SessionStatus(State.CONNECTED), simulated=True)
    assert widget.state == "simulated" and "F9" in widget.text()
    widget.show_status(SessionStatus(State.CONNECTED), label="lu90614@COM3")
    assert widget.state == "connected" and "COM3" in widget.text()
    widget.show_hint("36.0")
    assert widget.state == "hint"
    widget.show_status(SessionStatus(State.NO_DEVICE, "device disconnected"))
    assert widget.state == "no_device" and "设备已断开" in widget.text()
    widget.show_status(SessionStatus(State.ERROR, "bad settings: unknown protocol 'x'"))
    assert widget.state == "error" and "设置有误" in widget.text() and "'x'" in widget.text()
    with qtbot.waitSignal(widget.clicked, timeout=1000):
        widget.click()


def _device_layer_reasons() -> set[str]:
    """Fixed reasons and prefixes passed to DeviceUnavailable / _report or returned by describe_io_error."""
    found: set[str] = set()
    for name in ("session.py", "transport.py", "registry.py", "diagnostics.py"):
        tree = ast.parse((ROOT / "devices" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "DeviceUnavailable",
                "_report",
            ):
                values = list(node.args)
            elif isinstance(node, ast.FunctionDef) and node.name == "describe_io_error":
                values = [
                    n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None
                ]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                    found.add(value.value)
                elif isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.Constant):
                    found.add(str(value.values[0].value))
    return found


def test_every_device_layer_reason_is_translated() -> None:
    reasons = _device_layer_reasons()
    assert "device disconnected" in reasons and "bad settings: " in reasons
    for reason in reasons:
        assert reason in KNOWN_REASONS or reason in PREFIXED_REASONS, reason
    zh = catalogue("zh_CN")
    for text in (*KNOWN_REASONS, *PREFIXED_REASONS.values()):
        assert text in zh, text
    assert translate_reason("connection lost: EIO") == "连接中断：EIO"
    assert translate_reason("something new") == "something new"
