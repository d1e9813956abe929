"""Settings → Devices, the ID card reader and the barcode scanner: which reader (none, a GA 467 serial
reader, the simulator), its port and baud rate, a "Test the reader" button, and the scanner's keystroke gap.

Like the thermometer's section: nothing applies until OK, a bad choice is refused with the problem named,
and anything slow (opening the port and waiting for an answer) runs on a look-up thread so the dialog
never freezes.  The test answers whether the port is absent, held by another program, silent, or a
reader.  A port held by this station's own running reader also shows as "in use": stop it first by
choosing "No card reader", or test before saving.
"""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from devices.idcard.reader import BAUDRATE, NAME, SIMULATOR
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.runtime.background import Lookup
from ui.services.device_config import reader_config, with_reader_config
from ui.services.idcard import check_reader

MAX_BAUDRATE = 4_000_000


class CardReaderSettingsSection(QGroupBox):
    """The card reader and scanner part of the settings; :meth:`apply_to` gives the updated copy."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idcard_settings")
        form = QFormLayout(self)
        self.protocol = QComboBox(self)
        self.protocol.setObjectName("idcard_protocol")
        for value in ("", NAME, SIMULATOR):
            self.protocol.addItem("", value)
        self.port = QLineEdit(settings.idcard_port, self)
        self.port.setObjectName("idcard_port")
        self.baud = QSpinBox(self)
        self.baud.setObjectName("idcard_baudrate")
        self.baud.setRange(0, MAX_BAUDRATE)
        self.baud.setValue(settings.idcard_baudrate or 0)
        self.test_button = QPushButton(self)
        self.test_button.setObjectName("idcard_test")
        self.test_button.clicked.connect(self.test_reader)
        self.test_result = QLabel(self)
        self.test_result.setObjectName("idcard_test_result")
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        self.scanner_gap = QSpinBox(self)
        self.scanner_gap.setObjectName("scanner_max_gap_ms")
        self.scanner_gap.setRange(5, 500)
        self.scanner_gap.setValue(settings.scanner_max_gap_ms)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self._labels = [QLabel(self) for _ in range(4)]
        form.addRow(self._labels[0], self.protocol)
        form.addRow(self._labels[1], self.port)
        form.addRow(self._labels[2], self.baud)
        form.addRow("", test_row)
        form.addRow(self._labels[3], self.scanner_gap)
        form.addRow(self.error)
        self.protocol.setCurrentIndex(max(self.protocol.findData(settings.idcard_protocol), 0))
        self.protocol.currentIndexChanged.connect(self._protocol_changed)
        self.lookup: Lookup | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("ID card reader and barcode scanner"))
        for index, text in enumerate(
            (tr("No card reader"), tr("GA 467 serial card reader"), tr("Simulated card reader (F11)"))
        ):
            self.protocol.setItemText(index, text)
        for label, text in zip(
            self._labels,
            (tr("Card reader"), tr("Port"), tr("Baud rate"), tr("Scanner: keys at most this far apart (ms)")),
            strict=True,
        ):
            label.setText(text)
        self.port.setPlaceholderText(tr("e.g. COM4, /dev/ttyUSB1"))
        self.baud.setSpecialValueText(tr("protocol default ({baud})", baud=BAUDRATE))
        self.test_button.setText(tr("Test the reader"))
        self.scanner_gap.setToolTip(
            tr("A scanner types a code in a few ms per digit; a person needs 80 ms or more.")
        )
        self._protocol_changed()

    def _protocol_changed(self, *_args: object) -> None:
        needs_port = self.protocol.currentData() == NAME
        for widget in (self.port, self.baud, self.test_button):
            widget.setEnabled(needs_port)

    def test_reader(self) -> None:
        port = self.port.text().strip()
        if not port:
            self.test_result.setText(tr("Type the port first, e.g. COM4 or /dev/ttyUSB1."))
            return
        baud = self.baud.value() or None
        self.test_button.setEnabled(False)
        self.test_result.setText(tr("Asking the reader on {port}…", port=port))
        self.lookup = Lookup(self, lambda: check_reader(port, baud), self._tested, name="idcard-test")

    def _tested(self, text: str) -> None:
        self.test_button.setEnabled(self.protocol.currentData() == NAME)
        self.test_result.setText(text)

    def problem(self) -> str:
        """Empty if the choice can be used, else the sentence to show (also shown in the section)."""
        if self.protocol.currentData() == NAME and not self.port.text().strip():
            text = tr("Type the card reader's port, e.g. COM4 or /dev/ttyUSB1.")
            self.error.setText(text)
            self.error.show()
            return text
        self.error.hide()
        return ""

    def apply_to(self, settings: Settings) -> Settings:
        """A copy of ``settings`` with this reader and scanner gap (the old reader if unusable)."""
        if self.problem():
            new = copy.deepcopy(settings)
        else:
            probe = copy.deepcopy(settings)
            probe.idcard_protocol = str(self.protocol.currentData())
            probe.idcard_port = self.port.text().strip() if probe.idcard_protocol == NAME else ""
            probe.idcard_baudrate = (self.baud.value() or None) if probe.idcard_protocol == NAME else None
            new = with_reader_config(settings, reader_config(probe))
        new.scanner_max_gap_ms = self.scanner_gap.value()
        return new
