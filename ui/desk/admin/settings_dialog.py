"""The station's settings: who we are, where we refer to, how a fever is judged, which guideline applies.

The dialog edits a copy; nothing changes until OK, and a value the station cannot use is refused with
the field named, keeping everything else the user typed.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fever_desk.guidelines import shipped_guidelines
from fever_desk.i18n import LANGUAGES, current_language, tr
from fever_desk.reporting import cutoff_of
from fever_desk.settings import LOST_AFTER_DAYS_MAX, Hospital, Settings
from ui.desk.idcard.settings import CardReaderSettingsSection
from ui.desk.runtime.background import Lookup
from ui.desk.thermometer.settings import DeviceSettingsSection


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self._original = settings
        layout = QVBoxLayout(self)
        # The station setup (hospital, hotline, area code …) has its own checked dialog; it is reached
        # again from here, and what it accepts fills the fields below until OK saves everything.
        self._setup = (settings.area_code, settings.setup_done)
        self.setup_button = QPushButton(tr("Station setup…"), self)
        self.setup_button.setObjectName("open_station_setup")
        self.setup_button.setAutoDefault(False)
        self.setup_button.clicked.connect(self.open_station_setup)
        layout.addWidget(self.setup_button)
        form = QFormLayout()
        self.station_name = QLineEdit(settings.station_name, self)
        self.institution = QLineEdit(settings.institution, self)
        self.operator = QLineEdit(settings.operator, self)
        self.operator.setReadOnly(True)  # whoever logged in (ui.desk.main_window.apply_operator), not typed
        self.hospital_name = QLineEdit(settings.designated_hospital.name, self)
        self.hospital_address = QLineEdit(settings.designated_hospital.address, self)
        self.hospital_phone = QLineEdit(settings.designated_hospital.phone, self)
        self.hotline = QLineEdit(settings.hotline, self)
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setObjectName("threshold")
        self.threshold.setRange(35.0, 40.0)
        self.threshold.setDecimals(1)
        self.threshold.setSingleStep(0.1)
        self.threshold.setSuffix(" °C")
        self.threshold.setValue(settings.fever_threshold_c)
        self.inclusive = QCheckBox(tr("A temperature equal to the threshold counts as fever (≥)"), self)
        self.inclusive.setChecked(settings.fever_threshold_inclusive)
        self.guideline = QComboBox(self)
        self.guideline.setObjectName("guideline")
        language = current_language()
        for guideline_id, guideline in shipped_guidelines().items():
            self.guideline.addItem(guideline.label(language), guideline_id)
        index = self.guideline.findData(settings.guideline_id)
        self.guideline.setCurrentIndex(max(index, 0))
        self.mode = QComboBox(self)
        self.mode.setObjectName("station_mode")
        for code, label in (
            ("screening", tr("Pre-screening desk")),
            ("pharmacy", tr("Pharmacy counter")),
            ("both", tr("Both")),
        ):
            self.mode.addItem(label, code)
        self.mode.setCurrentIndex(max(self.mode.findData(settings.station_mode), 0))
        self.repeat_days = QSpinBox(self)
        self.repeat_days.setObjectName("repeat_purchase_days")
        self.repeat_days.setRange(1, 30)
        self.repeat_days.setValue(settings.repeat_purchase_days)
        self.slip_layout = QComboBox(self)
        self.slip_layout.setObjectName("slip_layout")
        self.slip_layout.addItem(tr("80 mm thermal roll"), "80mm")
        self.slip_layout.addItem(tr("A5 sheet"), "a5")
        self.slip_layout.setCurrentIndex(max(self.slip_layout.findData(settings.slip_layout), 0))
        self.printers_listed = False
        self.printer = QComboBox(self)
        self.printer.setObjectName("printer")
        self.printer.setToolTip(tr("Looking for printers…"))
        self._list_printers([settings.printer_name] if settings.printer_name else [], settings.printer_name)
        from ui.desk.slips.printing import (
            printer_names,  # Qt's printer list: asked on a thread when the dialog opens
        )

        self.printer_lookup = Lookup(self, printer_names, self._printers_found, name="printer-scan")
        self.direct_print = QCheckBox(
            tr("Print slips straight to the printer, without the print dialog"), self
        )
        self.direct_print.setChecked(settings.print_without_dialog)
        self.cutoff = QTimeEdit(QTime(cutoff_of(settings).hour, cutoff_of(settings).minute), self)
        self.cutoff.setObjectName("report_cutoff")
        self.cutoff.setDisplayFormat("HH:mm")
        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setObjectName("idle_lock_minutes")
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.retention = QSpinBox(self)
        self.retention.setObjectName("retention_days")
        self.retention.setRange(14, 3650)
        self.retention.setValue(settings.retention_days)
        # The observation register's "lost to follow-up" proposal: at most the 14 days of an observation.
        self.lost_after = QSpinBox(self)
        self.lost_after.setObjectName("observation_lost_after_days")
        self.lost_after.setRange(1, LOST_AFTER_DAYS_MAX)
        self.lost_after.setValue(settings.observation_lost_after_days)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        rows = [
            (tr("Station name"), self.station_name),
            (tr("Institution"), self.institution),
            (tr("Nurse on duty"), self.operator),
            (tr("Designated hospital"), self.hospital_name),
            (tr("Hospital address"), self.hospital_address),
            (tr("Hospital phone"), self.hospital_phone),
            (tr("Hotline"), self.hotline),
            (tr("Fever threshold"), self.threshold),
            ("", self.inclusive),
            (tr("Guideline version"), self.guideline),
            (tr("Station mode"), self.mode),
            (tr("Repeat purchases within (days)"), self.repeat_days),
            (tr("Referral slip"), self.slip_layout),
            (tr("Slip printer"), self.printer),
            ("", self.direct_print),
            (tr("Daily report cutoff"), self.cutoff),
            (tr("Lock after idle (minutes)"), self.idle_minutes),
            (tr("Keep records (days)"), self.retention),
            (tr("Observation: propose as lost after (days without a reading)"), self.lost_after),
            (tr("Language"), self.language),
        ]
        for label, widget in rows:
            form.addRow(label, widget)
        layout.addLayout(form)
        self.device = DeviceSettingsSection(settings, self)
        layout.addWidget(self.device)
        self.card_reader = CardReaderSettingsSection(settings, self)
        layout.addWidget(self.card_reader)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _list_printers(self, names: list[str], chosen: str) -> None:
        self.printer.clear()
        self.printer.addItem(tr("System default printer"), "")
        for name in names:
            self.printer.addItem(name, name)
        if chosen and chosen not in names:
            self.printer.addItem(tr("{printer} (not found now)", printer=chosen), chosen)
        self.printer.setCurrentIndex(max(self.printer.findData(chosen), 0))

    def _printers_found(self, names: list[str]) -> None:
        """The system's list arrived: offer it, keeping whatever the user has chosen meanwhile."""
        chosen = str(self.printer.currentData() or "")
        self._list_printers(list(names), chosen)
        self.printer.setToolTip("")
        self.printers_listed = True

    def open_station_setup(self) -> None:
        from ui.desk.admin.station_setup import StationSetupDialog

        dialog = StationSetupDialog(self.result_settings(), self)
        self.station_setup = dialog

        def accepted() -> None:
            new = dialog.result_settings()
            self.station_name.setText(new.station_name)
            self.institution.setText(new.institution)
            self.hospital_name.setText(new.designated_hospital.name)
            self.hospital_address.setText(new.designated_hospital.address)
            self.hospital_phone.setText(new.designated_hospital.phone)
            self.hotline.setText(new.hotline)
            self.cutoff.setTime(QTime.fromString(new.report_cutoff, "HH:mm"))
            self.mode.setCurrentIndex(max(self.mode.findData(new.station_mode), 0))
            self._setup = (new.area_code, new.setup_done)

        dialog.accepted.connect(accepted)
        dialog.open()

    def result_settings(self) -> Settings:
        s = copy.deepcopy(self._original)
        s.station_name = self.station_name.text().strip()
        s.institution = self.institution.text().strip()
        s.operator = self.operator.text().strip()
        s.designated_hospital = Hospital(
            self.hospital_name.text().strip(),
            self.hospital_address.text().strip(),
            self.hospital_phone.text().strip(),
        )
        s.hotline = self.hotline.text().strip()
        s.fever_threshold_c = round(self.threshold.value(), 1)
        s.fever_threshold_inclusive = self.inclusive.isChecked()
        s.guideline_id = self.guideline.currentData()
        s.language = self.language.currentData()
        s.station_mode = self.mode.currentData()
        s.repeat_purchase_days = self.repeat_days.value()
        s.slip_layout = self.slip_layout.currentData()
        s.printer_name = self.printer.currentData()
        s.print_without_dialog = self.direct_print.isChecked()
        s.report_cutoff = self.cutoff.time().toString("HH:mm")
        s.idle_lock_minutes = self.idle_minutes.value()
        s.retention_days = self.retention.value()
        s.observation_lost_after_days = self.lost_after.value()
        s.area_code, s.setup_done = self._setup
        return self.card_reader.apply_to(self.device.apply_to(s))

    def accept(self) -> None:
        if self.device.problem() or self.card_reader.problem():  # named beside their fields
            return
        result = self.result_settings()
        messages = [tr(message) for _field, message in result.problems()]
        if result.setup_done:  # a station once set up keeps a hospital, hotline … that pass the checks
            from fever_desk.station_setup import SetupDraft, check_setup

            messages += check_setup(SetupDraft.from_settings(result))[1].values()
        if messages:
            self.error.setText("\n".join(messages))
            self.error.show()
            return
        super().accept()
