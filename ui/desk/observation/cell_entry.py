"""One half-day of the grid being written: the temperature (typed, or from the thermometer as at the
desk, with its source shown) and the symptom questions, each answered explicitly (Y/N, F8 for "the rest
are no").

The thermometer controller (``ui.desk.thermometer.controller``) fills whichever counter form is in
front of the user through ``set_device_reading``; this form offers the same attributes as the desk's,
so a reading lands here when the register is shown.  While a filled cell is being corrected
(``editing`` set) a reading is not taken, as at the desk: the value was measured earlier.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from fever_desk.i18n import tr
from fever_desk.model import MeasureMode
from fever_desk.observation.model import SLOT_LABELS, SYMPTOMS, Cell, CellEntry, Slot
from fever_desk.validation import TemperatureDraft, check_temperature
from ui.desk.thermometer.temperature_field import TemperatureField
from ui.desk.widgets.field_rows import ERROR_STYLE
from ui.desk.widgets.inputs import STYLE, YesNoField


class CellEntryForm(QWidget):
    """Emits ``save_requested(CellEntry, reason)``; ``reason`` is "" for a first entry."""

    save_requested = Signal(object, str)
    cleared = Signal()  # after a save: a polled thermometer waits to see nobody (as at the desk)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cell_entry")
        self.setStyleSheet(STYLE)
        self.day: date | None = None
        self.slot: Slot = Slot.MORNING
        self.editing: Cell | None = None  # the filled cell being corrected
        self.loading = False  # the person's grid is on its way (await_load)
        self.save_pending = False  # Enter pressed meanwhile
        layout = QFormLayout(self)
        self.title = QLabel(self)
        self.title.setObjectName("cell_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addRow(self.title)
        self.temperature = QLineEdit(self)
        self.temperature.setObjectName("cell_temperature")
        self.temperature.setMaxLength(6)
        self.temperature_badge = QLabel(self)
        self.temperature_badge.setObjectName("cell_temperature_source")
        self.temp = TemperatureField(self.temperature, self.temperature_badge)
        row = QHBoxLayout()
        row.addWidget(self.temperature)
        row.addWidget(self.temperature_badge, 1)
        self.temperature_label = QLabel(self)
        self.temperature_label.setBuddy(self.temperature)
        layout.addRow(self.temperature_label, row)
        self.symptoms: dict[str, YesNoField] = {}
        self.symptom_labels: dict[str, QLabel] = {}
        for code in SYMPTOMS:
            field = YesNoField(tr("Yes (Y)"), tr("No (N)"), self)
            field.setObjectName(f"cell_symptom_{code}")
            label = QLabel(self)
            label.setBuddy(field)
            self.symptoms[code], self.symptom_labels[code] = field, label
            layout.addRow(label, field)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("cell_reason")
        self.reason.setMaxLength(200)
        self.reason_label = QLabel(self)
        self.reason_label.setBuddy(self.reason)
        layout.addRow(self.reason_label, self.reason)
        self.error = QLabel(self)
        self.error.setObjectName("cell_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addRow(self.error)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("cell_save")
        self.save_button.clicked.connect(self.request_save)
        layout.addRow(self.save_button)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter), QKeySequence("Ctrl+S")):
            QShortcut(seq, self, self.request_save, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.mark_remaining_no, context=context)
        self.retranslate()
        self.show_cell(None, Slot.MORNING, None, "")

    # ---- the thermometer (same attributes as the desk's form) ---------------------------------------
    def set_device_reading(self, celsius: float, mode: MeasureMode, device: str, at: datetime) -> None:
        if self.isEnabled():
            self.temp.set_device_reading(celsius, mode, device, at)

    # ---- showing a cell -----------------------------------------------------------------------------
    def show_cell(self, day: date | None, slot: Slot, cell: Cell | None, refused: str) -> None:
        """Ready the form for (``day``, ``slot``): empty for a new entry, the stored values for a
        correction; disabled with ``refused`` said when that half-day cannot be written.  What was typed
        while the person's grid was loading (:meth:`await_load`) stays for the first half-day shown if it
        is empty and can be written: a fast typist loses nothing."""
        keep = self.loading and cell is None and not refused and day is not None
        self.loading = False
        self.day, self.slot, self.editing = day, slot, cell
        self.error.setText(refused)
        self.setEnabled(day is not None and not refused)
        self.reason.setVisible(cell is not None)
        self.reason_label.setVisible(cell is not None)
        self.reason.clear()
        self._retitle()
        if keep:
            if self.save_pending:  # Enter was pressed while loading: save now that the half-day is known
                self.save_pending = False
                QTimer.singleShot(0, self.request_save)
            return
        self.save_pending = False
        if cell is not None and cell.entry.temperature is not None:
            self.temp.load(cell.entry.temperature)
        else:
            self.temperature.clear()
            self.temp.typed()
        for code, field in self.symptoms.items():
            field.set_value(cell.entry.symptoms.get(code) if cell is not None else None)

    def await_load(self) -> None:
        """A person's grid is being loaded: the temperature already takes the keys (kept by
        :meth:`show_cell` once the current half-day is known); saving waits for the grid."""
        if self.loading:
            return  # already waiting: what was typed so far stays
        self.show_cell(None, Slot.MORNING, None, "")
        self.loading = True
        self.setEnabled(True)
        self.title.setText(tr("Loading the grid…"))
        self.start()

    def _retitle(self) -> None:
        if self.day is None:
            self.title.setText(tr("Choose a half-day in the grid"))
            return
        what = tr("Correct") if self.editing is not None else tr("Record")
        self.title.setText(f"{what}: {self.day.isoformat()} {tr(SLOT_LABELS[self.slot])}")

    def restore(self, entry: CellEntry, reason: str, editing: Cell | None) -> None:
        """Put back what was typed for a half-day whose save failed (the temperature with its source)."""
        self.editing = editing
        self.reason.setVisible(editing is not None)
        self.reason_label.setVisible(editing is not None)
        self.reason.setText(reason)
        if entry.temperature is not None:
            self.temp.load(entry.temperature)
        for code, field in self.symptoms.items():
            field.set_value(entry.symptoms.get(code))
        self._retitle()

    def start(self) -> None:
        """Focus where the user types: the temperature."""
        if self.isEnabled():
            self.temperature.setFocus()
            self.temperature.selectAll()

    def mark_remaining_no(self) -> None:
        for field in self.symptoms.values():
            if field.value() is None:
                field.set_value(False)
        self.save_button.setFocus()

    # ---- saving -------------------------------------------------------------------------------------
    def entry(self) -> tuple[CellEntry | None, str]:
        """The entry as typed, or what is wrong with it (the form is left as it is)."""
        if self.day is None:
            if self.loading:
                self.save_pending = True  # saved as soon as the grid is there
                return None, tr("Loading the grid…")
            return None, tr("Choose a half-day in the grid")
        celsius, problem = check_temperature(self.temperature.text(), required=True)
        if problem:
            return None, problem
        unanswered = [code for code, field in self.symptoms.items() if field.value() is None]
        if unanswered:
            return None, tr(
                "Answer every symptom question (F8: the rest are no): {missing}.",
                missing=", ".join(tr(SYMPTOMS[code]) for code in unanswered),
            )
        if self.editing is not None and not self.reason.text().strip():
            return None, tr("A correction needs a reason; the earlier value is kept.")
        assert celsius is not None
        draft = TemperatureDraft(**self.temp.draft_values())
        symptoms = {code: bool(field.value()) for code, field in self.symptoms.items()}
        return CellEntry(self.day, self.slot, draft.checked_temperature(celsius), symptoms), ""

    def request_save(self) -> None:
        entry, problem = self.entry()
        self.error.setText(problem)
        if entry is None:
            if check_temperature(self.temperature.text(), required=True)[1]:
                self.temperature.setFocus()  # the field named by the problem takes the keys
            return
        self.save_requested.emit(entry, self.reason.text().strip())

    def show_problem(self, text: str) -> None:
        self.error.setText(text)

    def retranslate(self) -> None:
        self.temperature_label.setText(tr("&Temperature °C"))
        self.temp.retranslate()
        for code, label in self.symptom_labels.items():
            label.setText(tr(SYMPTOMS[code]))
        for field in self.symptoms.values():
            field.set_labels([tr("Yes (Y)"), tr("No (N)")])
        self.reason_label.setText(tr("Reason for the correction"))
        self.save_button.setText(tr("Save (Enter)"))
        self._retitle()
