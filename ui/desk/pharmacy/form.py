"""The pharmacy purchaser form: document, phone, address, temperature, questions, medicines, "for whom".

Keyboard first, like the screening form.  Tab walks name → document type → number → phone → address →
community → temperature → each symptom → each history question → medicine → quantity → "for someone
else"; F8 answers "no" to every question not yet answered and jumps to the medicine; Enter adds the
medicine being typed, or saves when there is none; Ctrl+S always saves; Esc twice clears.  A routine
purchaser costs Tab ×6, F8, Enter (medicine), Enter (save) beyond the characters typed.  Problems appear
beside their fields in the UI language, and nothing typed is cleared until the save really happened.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fever_desk.documents import DocumentType, check_document, document_label
from fever_desk.drugs import Drug
from fever_desk.guidelines import Guideline
from fever_desk.i18n import tr
from fever_desk.model import MeasureMode
from fever_desk.pharmacy import Purchase, PurchaseDraft, check_purchase
from fever_desk.validation import check_phone
from ui.desk.pharmacy.drug_lines import DrugLines
from ui.desk.screening.questionnaire import QuestionGroup
from ui.desk.thermometer.temperature_field import TemperatureField
from ui.desk.widgets.field_rows import FieldRows
from ui.desk.widgets.inputs import STYLE as CHOICE_STYLE
from ui.desk.widgets.inputs import ClearConfirmBar, empty
from ui.desk.widgets.typed_since import Getter, Setter

_FIELDS = ("name", "document_type", "id_number", "phone", "address", "community", "temperature")
_OTHER_FIELDS = ("other_name", "other_relation", "other_id_number", "other_phone", "other_temperature")


class PharmacyForm(FieldRows, QWidget):
    """Emits ``save_requested`` with a checked ``Purchase`` (advice not yet applied); the screen saves."""

    save_requested = Signal(object)
    person_changed = Signal(str, str)  # (document number, phone) once either is valid: look for repeats
    changed = Signal()
    cleared = Signal()

    def __init__(self, guideline: Guideline, catalogue: list[Drug], parent: QWidget | None = None):
        super().__init__(parent)
        self.guideline = guideline
        self.record_id = uuid.uuid4()  # the next registration's id, fixed until it is saved (see clear)
        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self._person_key = ("", "")
        self._build(catalogue)
        self.setStyleSheet(CHOICE_STYLE)
        self._shortcuts()
        self.retranslate()

    # ---- construction -------------------------------------------------------------------------------
    def _build(self, catalogue: list[Drug]) -> None:
        outer = QVBoxLayout(self)
        self.confirm_bar = ClearConfirmBar(self, self.clear)
        outer.addWidget(self.confirm_bar)

        self.buyer_box = QGroupBox(self)
        form = QFormLayout(self.buyer_box)
        self.name = self._line("name", 40)
        self.document_type = QComboBox(self)
        self.document_type.setObjectName("document_type")
        for kind in DocumentType:
            self.document_type.addItem("", kind)
        self.document_type.currentIndexChanged.connect(self._on_changed)
        self.id_number = self._line("id_number", 22)
        self.id_info = QLabel(self)
        self.id_info.setObjectName("id_info")
        self.id_info.setStyleSheet("color: #555;")
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_number, 2)
        id_row.addWidget(self.id_info, 3)
        self.phone = self._line("phone", 20)
        self.address = self._line("address", 120)
        self.community = self._line("community", 60)
        self.temperature = self._line("temperature", 6)
        self.temperature_badge = QLabel(self)
        self.temperature_badge.setObjectName("temperature_source")
        self.temp = TemperatureField(self.temperature, self.temperature_badge)
        temp_row = QHBoxLayout()
        temp_row.addWidget(self.temperature)
        temp_row.addWidget(self.temperature_badge, 1)
        self._add_row(form, "name", self.name, self.name)
        self._add_row(form, "document_type", self.document_type, self.document_type)
        self._add_row(form, "id_number", id_row, self.id_number)
        self._add_row(form, "phone", self.phone, self.phone)
        self._add_row(form, "address", self.address, self.address)
        self._add_row(form, "community", self.community, self.community)
        self._add_row(form, "temperature", temp_row, self.temperature)
        outer.addWidget(self.buyer_box)

        self.symptoms = QuestionGroup("", self.guideline.symptoms, optional=False, parent=self)
        self.epidemiological = QuestionGroup("", self.guideline.epidemiological, optional=False, parent=self)
        for group in (self.symptoms, self.epidemiological):
            group.changed.connect(self._on_changed)
            outer.addWidget(group)
        self.questions_error = self._error_label("error_questions")
        outer.addWidget(self.questions_error)

        self.drugs_box = QGroupBox(self)
        drugs_layout = QVBoxLayout(self.drugs_box)
        self.drugs = DrugLines(catalogue, self.drugs_box)
        self.drugs.changed.connect(self._on_changed)
        self.drugs_error = self._error_label("error_drugs")
        drugs_layout.addWidget(self.drugs)
        drugs_layout.addWidget(self.drugs_error)
        outer.addWidget(self.drugs_box)

        self.for_other = QCheckBox(self)
        self.for_other.setObjectName("for_other")
        self.for_other.toggled.connect(self._toggle_other)
        outer.addWidget(self.for_other)
        self.other_box = QGroupBox(self)
        other_form = QFormLayout(self.other_box)
        self.other_name = self._line("other_name", 40)
        self.other_relation = self._line("other_relation", 20)
        self.other_id_number = self._line("other_id_number", 22)
        self.other_phone = self._line("other_phone", 20)
        self.other_temperature = self._line("other_temperature", 6)
        self.other_symptoms = self._line("other_symptoms", 100)
        for key in (*_OTHER_FIELDS, "other_symptoms"):
            widget: QLineEdit = getattr(self, key)
            self._add_row(other_form, key, widget, widget)
        self.other_box.hide()
        outer.addWidget(self.other_box)
        outer.addStretch(1)
        self._set_tab_order()

    def set_guideline(self, guideline: Guideline) -> None:
        """Swap the questions for another guideline version, keeping answers to items both share."""
        old = {**self.symptoms.values(), **self.epidemiological.values()}
        layout = self.layout()
        for attr, items in (("symptoms", guideline.symptoms), ("epidemiological", guideline.epidemiological)):
            previous: QuestionGroup = getattr(self, attr)
            group = QuestionGroup("", items, optional=False, parent=self)
            group.set_values({k: v for k, v in old.items() if k in group.fields})
            group.changed.connect(self._on_changed)
            layout.replaceWidget(previous, group)
            previous.deleteLater()
            setattr(self, attr, group)
        self.guideline = guideline
        self._set_tab_order()
        self.retranslate()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.name,
            self.document_type,
            self.id_number,
            self.phone,
            self.address,
            self.community,
            self.temperature,
            *self.symptoms.fields.values(),
            *self.epidemiological.fields.values(),
            self.drugs.drug,
            self.drugs.quantity,
            self.for_other,
            self.other_name,
            self.other_relation,
            self.other_id_number,
            self.other_phone,
            self.other_temperature,
            self.other_symptoms,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)):
            QShortcut(seq, self, self._enter, context=context)
        QShortcut(QKeySequence.StandardKey.Save, self, self.request_save, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.mark_remaining_no, context=context)

    def retranslate(self) -> None:
        texts = {
            "name": tr("Buyer's &name"),
            "document_type": tr("&Document"),
            "id_number": tr("Document n&umber"),
            "phone": tr("&Phone"),
            "address": tr("A&ddress"),
            "community": tr("Residential &community"),
            "temperature": tr("&Temperature °C"),
            "other_name": tr("Their name"),
            "other_relation": tr("Relation to the buyer"),
            "other_id_number": tr("Their ID number (if known)"),
            "other_phone": tr("Their phone (if known)"),
            "other_temperature": tr("Their temperature °C (if known)"),
            "other_symptoms": tr("Their symptoms (if known)"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        for index, kind in enumerate(DocumentType):
            self.document_type.setItemText(index, document_label(kind))
        self.buyer_box.setTitle(tr("Buyer"))
        self.symptoms.setTitle(tr("Symptoms (ask each one)"))
        self.epidemiological.setTitle(
            tr("Epidemiological history, {days} days before onset", days=self.guideline.lookback_days)
        )
        self.symptoms.retranslate()
        self.epidemiological.retranslate()
        self.drugs_box.setTitle(tr("Medicines bought"))
        self.drugs.retranslate()
        self.for_other.setText(tr("Buying for someone else"))
        self.other_box.setTitle(tr("The person the medicine is for"))
        self.phone.setPlaceholderText(tr("mobile or landline"))
        self.confirm_bar.retranslate()
        self.temp.retranslate()
        self._show_id_info()

    # ---- temperature --------------------------------------------------------------------------------
    def set_device_reading(self, celsius: float, mode: MeasureMode, device: str, at: datetime) -> None:
        """A thermometer reading: fills the field without a key press and is marked as measured."""
        self.temp.set_device_reading(celsius, mode, device, at)

    # ---- reading the form ---------------------------------------------------------------------------
    def draft(self) -> PurchaseDraft:
        return PurchaseDraft(
            name=self.name.text(),
            document_type=DocumentType(self.document_type.currentData()),
            id_number=self.id_number.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            community=self.community.text(),
            **self.temp.draft_values(),
            symptoms=self.symptoms.values(),
            epidemiological=self.epidemiological.values(),
            drugs=self.drugs.drafts(),
            for_other=self.for_other.isChecked(),
            other_name=self.other_name.text(),
            other_relation=self.other_relation.text(),
            other_id_number=self.other_id_number.text(),
            other_phone=self.other_phone.text(),
            other_temperature=self.other_temperature.text(),
            other_symptoms=self.other_symptoms.text(),
        )

    def build_purchase(self, today: date) -> tuple[Purchase | None, dict[str, str]]:
        purchase, errors = check_purchase(self.draft(), today=today, guideline_id=self.guideline.id)
        return (None if purchase is None else replace(purchase, id=self.record_id)), errors

    # ---- actions ------------------------------------------------------------------------------------
    def _enter(self) -> None:
        if self.drugs.entry_has_focus() and self.drugs.has_entry():
            self.drugs.add_current()
            return
        self.request_save()

    def request_save(self) -> None:
        self.confirm_bar.hide()
        purchase, errors = self.build_purchase(date.today())
        self.show_errors(errors)
        if purchase is None:
            self._focus_first_error(errors)
            return
        self.save_requested.emit(purchase)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self._errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        for label, key in ((self.questions_error, "questions"), (self.drugs_error, "drugs")):
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)

    def _focus_first_error(self, errors: dict[str, str]) -> None:
        for key in (*_FIELDS, *_OTHER_FIELDS):
            if key in errors:
                getattr(self, key).setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if "questions" in errors:
            for field in (*self.symptoms.fields.values(), *self.epidemiological.fields.values()):
                if field.value() is None:
                    field.setFocus(Qt.FocusReason.OtherFocusReason)
                    return
        if "drugs" in errors:
            self.drugs.drug.setFocus(Qt.FocusReason.OtherFocusReason)

    def mark_remaining_no(self) -> None:
        """The pharmacist has asked every question: the rest become "no", and on to the medicines."""
        self.symptoms.mark_unanswered_no()
        self.epidemiological.mark_unanswered_no()
        if self.drugs.line_count() == 0:
            self.drugs.drug.setFocus(Qt.FocusReason.OtherFocusReason)

    def _toggle_other(self, checked: bool) -> None:
        self.other_box.setVisible(checked)
        if checked:
            self.other_name.setFocus(Qt.FocusReason.OtherFocusReason)
        self._on_changed()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        self.confirm_bar.hide()
        super().keyPressEvent(event)

    def _on_changed(self, *_args: object) -> None:
        self.confirm_bar.hide()
        self._show_id_info()
        self.changed.emit()
        key = self.person_key()
        if key != self._person_key:
            self._person_key = key
            self.person_changed.emit(*key)

    def person_key(self) -> tuple[str, str]:
        """The (document number, phone) as they will be stored, each "" while not yet valid."""
        checked, _ = check_document(
            self.document_type.currentData(), self.id_number.text(), today=date.today()
        )
        phone, problem = check_phone(self.phone.text(), required=True)
        return (checked.number if checked else "", "" if problem else phone)

    def _show_id_info(self) -> None:
        if not self.id_number.text().strip():
            self.id_info.setText("")
            return
        checked, _problem = check_document(
            self.document_type.currentData(), self.id_number.text(), today=date.today()
        )
        if checked is None or checked.birth_date is None:
            self.id_info.setText("")
            return
        sex = tr("Male") if checked.sex.value == "male" else tr("Female")
        self.id_info.setText(f"{sex} · {checked.birth_date:%Y-%m-%d} · {checked.region}".rstrip(" ·"))

    def typed_fields(self) -> dict[str, tuple[Getter, Setter]]:
        """What the pharmacist fills in, for :class:`~ui.desk.widgets.typed_since.TypedSincePress` (the
        screen keeps what is typed, answered or added during a slow save): the text fields, the document
        type, "bought for someone else", the answers to the questions (looked up when read, as a guideline
        change swaps the groups), the medicine lines and the medicine being typed."""
        edits = [getattr(self, key) for key in (*_FIELDS, *_OTHER_FIELDS, "other_symptoms")]
        fields: dict[str, tuple[Getter, Setter]] = {
            e.objectName(): (e.text, e.setText) for e in edits if isinstance(e, QLineEdit)
        }
        fields["document_type"] = (self.document_type.currentIndex, self._set_document_index)
        fields["for_other"] = (self.for_other.isChecked, lambda on: self.for_other.setChecked(bool(on)))
        for attr in ("symptoms", "epidemiological"):
            fields[attr] = (self._answers_of(attr), self._set_answers_of(attr))
        fields["drug_lines"] = (self.drugs.lines, self.drugs.set_lines)
        fields["drug_name"] = (self.drugs.drug.text, self.drugs.drug.setText)
        fields["drug_quantity"] = (self.drugs.quantity.value, self._set_quantity)
        return fields

    def _answers_of(self, attr: str) -> Getter:
        return lambda: dict(getattr(self, attr).values())

    def _set_answers_of(self, attr: str) -> Setter:
        def set_answers(values: object) -> None:
            group: QuestionGroup = getattr(self, attr)
            chosen = values if isinstance(values, dict) else {}
            group.set_values({**group.values(), **{k: v for k, v in chosen.items() if k in group.fields}})

        return set_answers

    def _set_document_index(self, index: object) -> None:
        self.document_type.setCurrentIndex(index if isinstance(index, int) else 0)

    def _set_quantity(self, value: object) -> None:
        self.drugs.quantity.setValue(value if isinstance(value, int) else 1)

    def clear(self) -> None:
        for key in (*_FIELDS, *_OTHER_FIELDS, "other_symptoms"):
            widget = getattr(self, key)
            if isinstance(widget, QLineEdit):
                empty(widget)  # with its undo history: Ctrl+Z must not bring back the previous buyer
        self.document_type.setCurrentIndex(0)
        self.symptoms.clear()
        self.epidemiological.clear()
        self.drugs.clear()
        self.for_other.setChecked(False)
        self.record_id = uuid.uuid4()  # a new registration: a second Enter or a retry saves it once
        self.temp.typed()
        self.confirm_bar.hide()
        self.show_errors({})
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cleared.emit()
