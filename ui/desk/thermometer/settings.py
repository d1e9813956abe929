"""Choosing the thermometer: which port, which protocol family, which baud rate.

Clinic IT does this once per counter, usually with a CH340 or CP210x adapter, so the port list shows the
chip behind each port.  The list is filled on a plain thread: on Linux it is a few milliseconds of sysfs,
but on Windows the SetupAPI enumeration can take hundreds of milliseconds to seconds with Bluetooth
virtual COM ports, and a dialog must never freeze for that.  A URL can be typed instead of picked
(``socket://host:port`` for a serial server, ``loop://`` for a test), because not every port is listed.

The section is embedded in the settings dialog and is also shown alone when the status-bar widget is
clicked.  Nothing is applied until OK; a bad choice is refused with the problem named.
"""

from __future__ import annotations

import copy
import json
import logging

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices import diagnostics, registry
from devices.base import ProtocolError
from devices.registry import DeviceConfig
from devices.transport import PortInfo
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.runtime.background import Lookup
from ui.desk.widgets.inputs import read_only_rows
from ui.services.device_config import device_config, with_device_config

log = logging.getLogger(__name__)

MAX_BAUDRATE = 4_000_000


def _list_ports() -> list[PortInfo] | str:
    """On the look-up thread: the ports, or what went wrong in words for the dialog."""
    try:
        return diagnostics.list_ports()
    except (OSError, ValueError) as exc:
        return str(exc)


class DeviceSettingsSection(QGroupBox):
    """The thermometer part of the settings; :meth:`config` is the chosen :class:`DeviceConfig`."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_settings")
        config = device_config(settings)
        form = QFormLayout(self)
        self.protocol = QComboBox(self)
        self.protocol.setObjectName("device_protocol")
        for name in registry.names():
            self.protocol.addItem(name, name)
        self.protocol_help = QLabel(self)
        self.protocol_help.setWordWrap(True)
        self.ports = QTableWidget(0, 4, self)
        self.ports.setObjectName("device_ports")
        read_only_rows(self.ports, single=True)
        self.ports.itemSelectionChanged.connect(self._port_picked)
        self.refresh = QPushButton(self)
        self.refresh.setObjectName("device_refresh")
        self.refresh.clicked.connect(self.scan_ports)
        self.scan_state = QLabel(self)
        self.port = QLineEdit(config.port, self)
        self.port.setObjectName("device_port")
        self.baud = QSpinBox(self)
        self.baud.setObjectName("device_baudrate")
        self.baud.setRange(0, MAX_BAUDRATE)
        self.baud.setValue(config.baudrate or 0)
        self.options = QLineEdit(json.dumps(dict(config.options), ensure_ascii=False), self)
        self.options.setObjectName("device_options")
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.refresh)
        scan_row.addWidget(self.scan_state, 1)
        self._labels = [QLabel(self) for _ in range(5)]
        form.addRow(self._labels[0], self.protocol)
        form.addRow("", self.protocol_help)
        form.addRow(self._labels[1], self.ports)
        form.addRow("", scan_row)
        form.addRow(self._labels[2], self.port)
        form.addRow(self._labels[3], self.baud)
        form.addRow(self._labels[4], self.options)
        form.addRow(self.error)
        self.protocol.setCurrentIndex(max(self.protocol.findData(config.protocol), 0))
        self.protocol.currentIndexChanged.connect(self._protocol_changed)
        self.port_lookup: Lookup | None = None
        self.retranslate()
        self.scan_ports()

    def retranslate(self) -> None:
        self.setTitle(tr("Thermometer"))
        for label, text in zip(
            self._labels,
            (tr("Protocol"), tr("Serial ports found"), tr("Port"), tr("Baud rate"), tr("Options (JSON)")),
            strict=True,
        ):
            label.setText(text)
        self.ports.setHorizontalHeaderLabels([tr("Port"), tr("Description"), tr("VID:PID"), tr("Chip")])
        self.refresh.setText(tr("Refresh"))
        self.port.setPlaceholderText(tr("e.g. COM3, /dev/ttyUSB0, socket://host:port"))
        self.options.setPlaceholderText('{"slave": 1}')
        self._protocol_changed()

    # ---- ports --------------------------------------------------------------------------------------
    def scan_ports(self) -> None:
        self.refresh.setEnabled(False)
        self.scan_state.setText(tr("Looking for serial ports…"))
        self.port_lookup = Lookup(self, _list_ports, self._show_ports, name="port-scan")

    def _show_ports(self, ports: list[PortInfo] | str) -> None:
        self.refresh.setEnabled(True)
        if isinstance(ports, str):
            self.scan_state.setText(tr("The ports could not be listed: {problem}", problem=ports))
            return
        self.ports.setRowCount(len(ports))
        for row, info in enumerate(ports):
            for column, text in enumerate((info.path, info.description, info.vid_pid, info.hint)):
                self.ports.setItem(row, column, QTableWidgetItem(text))
        self.ports.resizeColumnsToContents()
        if ports:
            self.scan_state.setText(
                tr("{count} ports found; pick one or type a port below.", count=len(ports))
            )
        else:
            self.scan_state.setText(tr("No serial port found: plug the thermometer in and press Refresh."))

    def _port_picked(self) -> None:
        rows = self.ports.selectionModel().selectedRows()
        if rows:
            item = self.ports.item(rows[0].row(), 0)
            if item is not None:
                self.port.setText(item.text())

    # ---- protocol -----------------------------------------------------------------------------------
    def _family(self) -> registry.ProtocolFamily | None:
        try:
            return registry.get(str(self.protocol.currentData()))
        except ProtocolError:
            return None

    def _protocol_changed(self, *_args: object) -> None:
        family = self._family()
        if family is None:
            return
        self.protocol_help.setText(tr(family.description))
        default = family.default_baudrate
        self.baud.setSpecialValueText(
            tr("protocol default ({baud})", baud=default) if default else tr("protocol default")
        )
        for widget in (self.ports, self.refresh, self.port, self.baud):
            widget.setEnabled(family.needs_port)
        if not family.needs_port:
            self.scan_state.setText(tr("The simulator needs no port: press F9 at the desk to measure."))

    # ---- result -------------------------------------------------------------------------------------
    def config(self) -> DeviceConfig:
        """The chosen device; raises ValueError with a translated sentence if it cannot be used."""
        family = self._family()
        if family is None:
            raise ValueError(tr("Choose a protocol."))
        port = self.port.text().strip() if family.needs_port else ""
        if family.needs_port and not port:
            raise ValueError(tr("Pick a port from the list or type one, e.g. COM3 or /dev/ttyUSB0."))
        text = self.options.text().strip()
        try:
            options = json.loads(text) if text else {}
        except ValueError as exc:
            raise ValueError(tr("The options are not valid JSON: {problem}", problem=exc)) from exc
        if not isinstance(options, dict):
            raise ValueError(tr("The options must be a JSON object: name-value pairs in braces."))
        try:
            family.parser(options)  # options are checked where they are read: refuse a bad one now
        except ProtocolError as exc:
            raise ValueError(tr("The options do not suit this protocol: {problem}", problem=exc)) from exc
        baud = (self.baud.value() or None) if family.needs_port else None
        return DeviceConfig(family.name, port, baud, options)

    def problem(self) -> str:
        """Empty if the choice can be used, else the sentence to show (also shown in the section)."""
        try:
            self.config()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return str(exc)
        self.error.hide()
        return ""

    def apply_to(self, settings: Settings) -> Settings:
        """A copy of ``settings`` with this device, or with the old device kept if the choice is unusable
        (check :meth:`problem` first to tell the user why)."""
        try:
            return with_device_config(settings, self.config())
        except ValueError:
            return copy.deepcopy(settings)


class DeviceSettingsDialog(QDialog):
    """The section alone, opened from the status bar; ``result_settings`` is the updated copy."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_settings_dialog")
        self.setWindowTitle(tr("Thermometer settings"))
        self._original = settings
        layout = QVBoxLayout(self)
        self.section = DeviceSettingsSection(settings, self)
        layout.addWidget(self.section)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def result_settings(self) -> Settings:
        return self.section.apply_to(self._original)

    def accept(self) -> None:
        if not self.section.problem():
            super().accept()
