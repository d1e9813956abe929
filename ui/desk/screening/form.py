"""The screening form: patient details, temperature, questionnaire, live outcome.

Keyboard first.  Tab walks name → sex → age → phone → temperature → ID → address → onset → each
question; F8 answers "no" to every question not yet answered (after the nurse has asked them); Enter or
Ctrl+S saves; Esc asks once and clears on a second Esc.  A routine patient therefore costs 7 keys
beyond the characters typed.  Nothing typed is ever thrown away by a failed check: problems are shown
beside their fields and the form keeps its contents until the save has really happened.
"""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fever_desk.guidelines import Guideline
from fever_desk.i18n import tr
from fever_desk.model import Answers, MeasureMode, Screening, Sex
from fever_desk.triage import FeverRule, evaluate
from fever_desk.validation import Draft, check_draft
from ui.desk.screening.outcome_panel import OutcomePanel
from ui.desk.screening.questionnaire import Questionnaire
from ui.desk.thermometer.temperature_field import TemperatureField
from ui.desk.widgets.inputs import STYLE as CHOICE_STYLE
from ui.desk.widgets.inputs import ChoiceField, ClearConfirmBar, empty
from ui.desk.widgets.typed_since import Getter, Setter, TypedSincePress

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SHORT_DATE = re.compile(r"^(\d{1,2})[-./月](\d{1,2})日?$")

ERROR_STYLE = "color: #b00020;"


def parse_date(text: str, today: date) -> date | None:
    """Accept 2020-01-27, 2020/1/27, 20200127, 2020年1月27日, or 1-27 (this year). Raises on nonsense."""
    text = text.strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    m = _SHORT_DATE.match(text)
    if m:
        return date(today.year, int(m[1]), int(m[2]))
    raise ValueError(text)


class ScreeningForm(QWidget):
    """Emits ``save_requested`` with a complete, checked ``Screening``; the window does the saving."""

    save_requested = Signal(object)
    cleared = Signal()

    def __init__(self, guideline: Guideline, fever_rule: FeverRule, parent: QWidget | None = None):
        super().__init__(parent)
        self.guideline = guideline
        self.fever_rule = fever_rule
        self.editing: Screening | None = None
        self.record_id = uuid.uuid4()  # the next new record's id, fixed until it is saved (see clear)
        self._errors: dict[str, QLabel] = {}
        self._build()
        self.typed_since = TypedSincePress(self._typed_fields())
        self.setStyleSheet(CHOICE_STYLE)
        self._shortcuts()
        self.retranslate()
        self.refresh_outcome()

    # ---- construction -------------------------------------------------------------------------------
    def _line(self, name: str, max_length: int = 100) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setMaxLength(max_length)
        edit.textChanged.connect(self._on_changed)
        return edit

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.correction_bar = QWidget(self)
        bar = QHBoxLayout(self.correction_bar)
        bar.setContentsMargins(6, 4, 6, 4)
        self.correction_label = QLabel(self.correction_bar)
        self.correction_reason = QLineEdit(self.correction_bar)
        self.correction_reason.setObjectName("correction_reason")
        self.correction_cancel = QPushButton(self.correction_bar)
        self.correction_cancel.clicked.connect(self.clear)
        bar.addWidget(self.correction_label)
        bar.addWidget(self.correction_reason, 1)
        bar.addWidget(self.correction_cancel)
        self.correction_bar.setStyleSheet("background: #e8f0fe;")
        self.correction_bar.hide()
        outer.addWidget(self.correction_bar)

        self.confirm_bar = ClearConfirmBar(self, self.clear)
        outer.addWidget(self.confirm_bar)

        self.patient_box = QGroupBox(self)
        form = QFormLayout(self.patient_box)
        self.name = self._line("name", 40)
        self.sex = ChoiceField(
            [
                (Sex.MALE, "", (Qt.Key.Key_1, Qt.Key.Key_M)),
                (Sex.FEMALE, "", (Qt.Key.Key_2, Qt.Key.Key_F)),
            ],
            self.patient_box,
        )
        self.sex.setObjectName("sex")
        self.sex.changed.connect(self._on_changed)
        self.age = self._line("age", 10)
        self.phone = self._line("phone", 20)
        self.temperature = self._line("temperature", 6)
        self.temperature_badge = QLabel(self.patient_box)
        self.temperature_badge.setObjectName("temperature_source")
        self.temp = TemperatureField(self.temperature, self.temperature_badge)
        self.id_number = self._line("id_number", 18)
        self.address = self._line("address", 120)
        self.onset = self._line("onset_date", 12)
        temp_row = QHBoxLayout()
        temp_row.addWidget(self.temperature)
        temp_row.addWidget(self.temperature_badge, 1)
        self._labels: dict[str, QLabel] = {}
        rows: list[tuple[str, QWidget | QHBoxLayout]] = [
            ("name", self.name),
            ("sex", self.sex),
            ("age", self.age),
            ("phone", self.phone),
            ("temperature", temp_row),
            ("id_number", self.id_number),
            ("address", self.address),
            ("onset_date", self.onset),
        ]
        for key, widget in rows:
            label = QLabel(self.patient_box)
            self._labels[key] = label
            error = QLabel(self.patient_box)
            error.setObjectName(f"error_{key}")
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            self._errors[key] = error
            box = QVBoxLayout()
            box.setSpacing(0)
            if isinstance(widget, QHBoxLayout):
                box.addLayout(widget)
                label.setBuddy(self.temperature)
            else:
                box.addWidget(widget)
                label.setBuddy(widget)
            box.addWidget(error)
            form.addRow(label, box)
        outer.addWidget(self.patient_box)

        self.questionnaire = Questionnaire(self.guideline, self)
        self.questionnaire.changed.connect(self._on_changed)
        self.questions_error = QLabel(self)
        self.questions_error.setObjectName("error_questions")
        self.questions_error.setStyleSheet(ERROR_STYLE)
        self.questions_error.setWordWrap(True)
        self.questions_error.hide()
        outer.addWidget(self.questionnaire)
        outer.addWidget(self.questions_error)

        buttons = QHBoxLayout()
        self.all_no_button = QPushButton(self)
        self.all_no_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.all_no_button.clicked.connect(self.mark_remaining_no)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("save")
        self.save_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button.clicked.connect(self.request_save)
        buttons.addWidget(self.all_no_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        # The outcome belongs to the form but the window places it where it stays in view.
        self.outcome = OutcomePanel()
        outer.addStretch(1)
        self._set_tab_order()

    def _typed_fields(self) -> dict[str, tuple[Getter, Setter]]:
        """The fields a nurse types into, for :class:`TypedSincePress` (the questionnaire is looked up
        when read, as a guideline change swaps it)."""
        edits = (self.name, self.age, self.phone, self.temperature, self.id_number, self.address, self.onset)
        fields: dict[str, tuple[Getter, Setter]] = {e.objectName(): (e.text, e.setText) for e in edits}
        fields["sex"] = (self.sex.value, self.sex.set_value)

        def answers() -> dict[str, bool | None]:
            q = self.questionnaire
            return {**q.symptoms.values(), **q.epidemiological.values(), **q.clinical.values()}

        def set_answers(values: object) -> None:
            q = self.questionnaire
            for group in (q.symptoms, q.epidemiological, q.clinical):
                chosen = values if isinstance(values, dict) else {}
                group.set_values({k: v for k, v in chosen.items() if k in group.fields})

        fields["answers"] = (answers, set_answers)
        return fields

    def set_guideline(self, guideline: Guideline) -> None:
        """Swap the questionnaire for another guideline version, keeping answers to items both share."""
        old = self.questionnaire
        values = {**old.symptoms.values(), **old.epidemiological.values(), **old.clinical.values()}
        new = Questionnaire(guideline, self)
        for group in (new.symptoms, new.epidemiological, new.clinical):
            group.set_values({k: v for k, v in values.items() if k in group.fields})
        new.changed.connect(self._on_changed)
        layout = self.layout()
        layout.replaceWidget(old, new)
        old.deleteLater()
        self.questionnaire = new
        self.guideline = guideline
        self._set_tab_order()
        self.refresh_outcome()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.name,
            self.sex,
            self.age,
            self.phone,
            self.temperature,
            self.id_number,
            self.address,
            self.onset,
            *self.questionnaire.focus_chain(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq in (
            QKeySequence(Qt.Key.Key_Return),
            QKeySequence(Qt.Key.Key_Enter),
            QKeySequence.StandardKey.Save,
        ):
            QShortcut(seq, self, self.request_save, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.mark_remaining_no, context=context)

    def retranslate(self) -> None:
        texts = {
            "name": tr("&Name"),
            "sex": tr("Se&x (1 male, 2 female)"),
            "age": tr("&Age or birth date"),
            "phone": tr("&Phone"),
            "temperature": tr("&Temperature °C"),
            "id_number": tr("&ID number (optional)"),
            "address": tr("A&ddress"),
            "onset_date": tr("&Onset date (if symptoms)"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        self.patient_box.setTitle(tr("Patient"))
        self.sex.set_labels([tr("Male"), tr("Female")])
        self.age.setPlaceholderText(tr("e.g. 45 or 1980-05-03"))
        self.phone.setPlaceholderText(tr("mobile or landline"))
        self.onset.setPlaceholderText(tr("e.g. 2020-01-27 or 1-27"))
        self.all_no_button.setText(tr("All remaining: No (F8)"))
        self.save_button.setText(tr("Save (Enter)"))
        self.correction_cancel.setText(tr("Cancel correction"))
        self.correction_reason.setPlaceholderText(tr("Reason for the correction (required)"))
        self.confirm_bar.retranslate()
        self.temp.retranslate()
        self.questionnaire.retranslate()
        self.outcome.retranslate()
        if self.outcome.outcome is None:
            self.refresh_outcome()

    # ---- temperature --------------------------------------------------------------------------------
    def set_device_reading(self, celsius: float, mode: MeasureMode, device: str, at: datetime) -> None:
        """A thermometer reading: fills the field without a key press and is marked as measured."""
        self.temp.set_device_reading(celsius, mode, device, at)

    # ---- reading the form ---------------------------------------------------------------------------
    def draft(self, today: date) -> tuple[Draft, dict[str, str]]:
        """The form as a draft, plus problems found while reading dates (which the core cannot see)."""
        problems: dict[str, str] = {}
        age_text = self.age.text().strip()
        birth: date | None = None
        if age_text and not age_text.isdigit():
            try:
                birth = parse_date(age_text, today)
                age_text = ""
            except ValueError:
                problems["age"] = tr("Type the age in years, or a birth date such as 1980-05-03.")
        onset: date | None = None
        try:
            onset = parse_date(self.onset.text(), today)
        except ValueError:
            problems["onset_date"] = tr("Type the onset date such as 2020-01-27 or 1-27.")
        draft = Draft(
            name=self.name.text(),
            sex=self.sex.value(),  # type: ignore[arg-type]
            age=age_text,
            birth_date=birth,
            id_number=self.id_number.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            **self.temp.draft_values(),
            onset_date=onset,
            symptoms=self.questionnaire.symptoms.values(),
            epidemiological=self.questionnaire.epidemiological.values(),
            clinical=self.questionnaire.clinical.values(),
        )
        return draft, problems

    def _answers(self, temperature_c: float | None) -> Answers:
        q = self.questionnaire
        return Answers(
            symptoms={k: bool(v) for k, v in q.symptoms.values().items() if v is not None},
            epidemiological={k: bool(v) for k, v in q.epidemiological.values().items() if v is not None},
            clinical=dict(q.clinical.values()),
            temperature_c=temperature_c,
        )

    def build_screening(self, today: date) -> tuple[Screening | None, dict[str, str]]:
        draft, problems = self.draft(today)
        checked, errors = check_draft(draft, today=today)
        errors = {**errors, **problems}
        unanswered = self.questionnaire.unanswered()
        if unanswered:
            errors["questions"] = tr(
                "{count} questions are not answered yet. Ask each one, then press F8 to answer the rest No.",
                count=len(unanswered),
            )
        if self.editing is not None and not self.correction_reason.text().strip():
            errors["correction_reason"] = tr("Give a reason for the correction.")
        if errors or checked is None:
            return None, errors
        answers = self._answers(checked.temperature.celsius)
        outcome = evaluate(self.guideline, answers, self.fever_rule)
        base = self.editing
        screening = Screening(
            person=checked.person,
            answers=answers,
            temperature=checked.temperature,
            onset_date=checked.onset_date,
            outcome=outcome,
            id=base.id if base else self.record_id,
            station_id=base.station_id if base else "",
            operator=base.operator if base else "",
            created_at=base.created_at if base else None,
            version=base.version if base else 1,
        )
        return screening, {}

    # ---- actions ------------------------------------------------------------------------------------
    def request_save(self) -> None:
        self.confirm_bar.hide()
        screening, errors = self.build_screening(date.today())
        self.show_errors(errors)
        if screening is None:
            self._focus_first_error(errors)
            return
        self.save_requested.emit(screening)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self._errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        text = "\n".join(e for k, e in errors.items() if k in ("questions", "correction_reason"))
        self.questions_error.setText(text)
        self.questions_error.setVisible(bool(text))

    def _focus_first_error(self, errors: dict[str, str]) -> None:
        order = {
            "name": self.name,
            "sex": self.sex,
            "age": self.age,
            "phone": self.phone,
            "temperature": self.temperature,
            "id_number": self.id_number,
            "onset_date": self.onset,
        }
        for key, widget in order.items():
            if key in errors:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if "correction_reason" in errors:
            self.correction_reason.setFocus()
            return
        for widget in self.questionnaire.focus_chain():
            if widget.value() is None:  # type: ignore[attr-defined]
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def mark_remaining_no(self) -> None:
        self.questionnaire.mark_remaining_no()
        self.refresh_outcome()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        self.confirm_bar.hide()
        super().keyPressEvent(event)

    def _on_changed(self, *_args: object) -> None:
        if self.confirm_bar.isVisible():
            self.confirm_bar.hide()
        self.refresh_outcome()

    def refresh_outcome(self) -> None:
        """Show the outcome live as soon as it can be decided; until then, say what is missing."""
        screening, errors = self.build_screening(date.today())
        if screening is not None and screening.outcome is not None:
            self.outcome.show_outcome(screening.outcome)
            return
        self.outcome.show_pending([e for k, e in errors.items() if k != "correction_reason"])

    def clear(self) -> None:
        for edit in (
            self.name,
            self.age,
            self.phone,
            self.temperature,
            self.id_number,
            self.address,
            self.onset,
        ):
            empty(edit)  # with its undo history: Ctrl+Z must not bring back the previous patient
        self.sex.set_value(None)
        self.questionnaire.clear()
        self.temp.typed()
        self.editing = None
        # The new record's id is fixed for this form: a second Enter or a retry can only save it once.
        self.record_id = uuid.uuid4()
        empty(self.correction_reason)
        self.correction_bar.hide()
        self.confirm_bar.hide()
        self.show_errors({})
        self.refresh_outcome()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cleared.emit()

    def load_for_correction(self, screening: Screening) -> None:
        """Put a saved screening back in the form; saving then records a correction, not a new patient."""
        self.clear()
        p = screening.person
        self.name.setText(p.name)
        self.sex.set_value(p.sex if p.sex in (Sex.MALE, Sex.FEMALE) else None)
        self.age.setText(str(p.age) if p.age is not None else "")
        self.phone.setText(p.phone)
        self.id_number.setText(p.id_number)
        self.address.setText(p.address)
        self.onset.setText(screening.onset_date.isoformat() if screening.onset_date else "")
        if screening.temperature is not None:
            self.temp.load(screening.temperature)
        q = self.questionnaire
        q.symptoms.set_values(dict(screening.answers.symptoms))
        q.epidemiological.set_values(dict(screening.answers.epidemiological))
        q.clinical.set_values(dict(screening.answers.clinical))
        self.editing = screening
        when = screening.created_at.astimezone().strftime("%H:%M") if screening.created_at else ""
        self.correction_label.setText(
            tr("Correcting the record of {name} saved at {time}", name=p.name, time=when)
        )
        self.correction_bar.show()
        self.refresh_outcome()
        self.correction_reason.setFocus()

    def saved(self, screening: Screening | None = None, *, queued: bool = False) -> None:
        """The save went through: keep the outcome on screen, clear the rest for the next patient.
        ``queued``: kept on this counter while the server is away; say so, as a save.

        What the nurse typed *after* pressing save (a slow save; see ``ui.desk.widgets.typed_since``)
        is put back into the cleared form, as the start of a new record, and the note says so; the
        outcome and name shown are the saved record's, not the form's newer text."""
        typed_after = self.typed_since.changed()
        focus = QApplication.focusWidget()
        outcome = screening.outcome if screening is not None else self.outcome.outcome
        name = screening.person.name if screening is not None else str(self.typed_since.pressed("name"))
        self.clear()
        if typed_after:
            self.typed_since.restore(typed_after)
            self.refresh_outcome()
            if focus is not None and self.isAncestorOf(focus):
                focus.setFocus(Qt.FocusReason.OtherFocusReason)  # the nurse goes on typing where she was
        else:
            self.typed_since.forget()
        if outcome is not None:
            note = (
                tr("Saved on this counter: {name}. It will be sent when the server is back.", name=name)
                if queued
                else tr("Saved: {name}", name=name)
            )
            if typed_after:
                note += " " + tr("What you typed after pressing save is still in the form, as a new record.")
            self.outcome.show_outcome(outcome, note)
