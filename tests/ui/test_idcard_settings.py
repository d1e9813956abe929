"""Settings → Devices for the card reader and the scanner: choose, test from the dialog, save, reopen."""

from __future__ import annotations

import contextlib
import uuid

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from devices import transport
from devices.idcard.simulator import SAMPLE_CARDS, card_pty
from fever_desk.accounts import Operator, Role
from fever_desk.settings import Settings, load_settings
from tests.ui.conftest import Desk
from ui.desk.idcard.settings import CardReaderSettingsSection


def _test(qtbot, section: CardReaderSettingsSection, port: str) -> str:
    section.port.setText(port)
    QTest.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.test_button.isEnabled(), timeout=5000)
    return section.test_result.text()


def test_the_test_button_tells_absent_held_silent_and_answering_ports_apart(qtbot) -> None:
    section = CardReaderSettingsSection(Settings())
    qtbot.addWidget(section)
    section.protocol.setCurrentIndex(section.protocol.findData("ga467"))
    absent = _test(qtbot, section, "/dev/fever-desk-no-such-reader")
    assert absent.startswith("读卡器端口无法打开") and "找不到端口" in absent

    sim, _responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    try:
        assert _test(qtbot, section, sim.path) == f"读卡器在 {sim.path} 上应答正常。"
        held = transport.open_port(sim.path, 115200)  # another program has the reader open
        try:
            assert "被其他程序占用" in _test(qtbot, section, sim.path)
        finally:
            held.close()
    finally:
        sim.unplug()

    silent_master, silent_slave = __import__("os").openpty()  # a port where nothing answers
    try:
        path = __import__("os").ttyname(silent_slave)
        assert "没有读卡器应答" in _test(qtbot, section, path)
    finally:
        for fd in (silent_master, silent_slave):
            with contextlib.suppress(OSError):
                __import__("os").close(fd)


def test_a_reader_without_a_port_is_refused_and_a_good_choice_is_saved(qtbot, desk: Desk) -> None:
    from ui.desk.admin.settings_dialog import SettingsDialog

    window = desk.window
    window.card_reader.start(window.settings)  # no reader configured: nothing opened
    assert window.card_reader.status_widget.state == "stopped" and not window.card_reader.bridge.active
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    section = dialog.card_reader
    section.protocol.setCurrentIndex(section.protocol.findData("ga467"))
    section.port.setText("")
    dialog.accept()
    assert dialog.result() == 0 and not section.error.isHidden()
    assert "端口" in section.error.text()
    section.protocol.setCurrentIndex(section.protocol.findData("ga467_simulator"))
    section.scanner_gap.setValue(60)
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        dialog.accept()
    window.apply_settings(dialog.result_settings())
    qtbot.waitUntil(lambda: window.card_reader.status_widget.state == "simulated", timeout=5000)
    saved = load_settings(desk.settings_path)
    assert (saved.idcard_protocol, saved.idcard_port, saved.scanner_max_gap_ms) == ("ga467_simulator", "", 60)
    assert window.card_reader.present_action.isEnabled()
    window.station.operator = Operator(uuid.uuid4(), "nurse.wang", "王护士", Role.NURSE)
    window.form.name.setFocus()
    QTest.keyClick(window.form.name, Qt.Key.Key_F11)  # the simulator places its first sample card
    qtbot.waitUntil(lambda: window.form.name.text() == SAMPLE_CARDS[0].name, timeout=5000)
    window.card_reader.stop()
