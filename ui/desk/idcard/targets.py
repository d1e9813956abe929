"""Which fields of the counter forms a card fills, described from outside the forms.

The screening form: name, sex, "age or birth date" (the card's birth date), ID number, address.  The
pharmacy form: the buyer's name, document type (resident ID), number and address; or, when "buying for
someone else" is open and the buyer's part already holds a number (or the cursor is in the other
person's part), that person's name and ID number.  A form of its own kind (the observation
registration) offers ``id_card_slots(other: bool) -> list[Slot] | None`` and needs nothing here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QBoxLayout, QLineEdit, QWidget

from fever_desk.documents import DocumentType
from fever_desk.i18n import tr
from fever_desk.model import Sex
from ui.desk.idcard.fill import Slot


def line_slot(key: str, edit: QLineEdit, value: Any, label: Any) -> Slot:
    return Slot(key, edit, value, edit.text, edit.setText, edit.textChanged, label)


def _sex(card: Any) -> Sex | None:
    return card.sex if card.sex in (Sex.MALE, Sex.FEMALE) else None


def screening_slots(form: Any) -> list[Slot]:
    return [
        line_slot("name", form.name, lambda c: c.name, lambda: tr("name")),
        Slot(
            "sex",
            form.sex,
            _sex,
            form.sex.value,
            form.sex.set_value,
            form.sex.changed,
            lambda: tr("sex"),
            style=False,
        ),
        line_slot("birth", form.age, lambda c: c.birth_date.isoformat(), lambda: tr("age or birth date")),
        line_slot("id_number", form.id_number, lambda c: c.id_number, lambda: tr("ID number")),
        line_slot("address", form.address, lambda c: c.address, lambda: tr("address")),
    ]


def pharmacy_slots(form: Any, other: bool) -> list[Slot]:
    if other:
        return [
            line_slot("other_name", form.other_name, lambda c: c.name, lambda: tr("their name")),
            line_slot(
                "other_id_number", form.other_id_number, lambda c: c.id_number, lambda: tr("their ID number")
            ),
        ]
    combo = form.document_type
    return [
        line_slot("name", form.name, lambda c: c.name, lambda: tr("name")),
        Slot(
            "document_type",
            combo,
            lambda _c: DocumentType.RESIDENT_ID,
            combo.currentData,
            lambda kind: combo.setCurrentIndex(max(combo.findData(kind), 0)),
            combo.currentIndexChanged,
            lambda: tr("document"),
            clash=False,
            style=False,
        ),
        line_slot("id_number", form.id_number, lambda c: c.id_number, lambda: tr("ID number")),
        line_slot("address", form.address, lambda c: c.address, lambda: tr("address")),
    ]


def for_other_person(form: Any) -> bool:
    """A pharmacy form whose "buying for someone else" part is open and is the one being filled."""
    box = getattr(form, "other_box", None)
    if box is None or not form.for_other.isChecked():
        return False
    focus = QApplication.focusWidget()
    return bool(form.id_number.text().strip()) or (focus is not None and box.isAncestorOf(focus))


def slots_for(form: Any, other: bool) -> list[Slot] | None:
    """The form's slots, or None for a form that takes no cards."""
    own = getattr(form, "id_card_slots", None)
    if callable(own):
        slots = own(other)  # None: this form (e.g. a registration from a saved record) takes no card
        return None if slots is None else list(slots)
    if hasattr(form, "document_type") and hasattr(form, "other_name"):
        return pharmacy_slots(form, other)
    if hasattr(form, "questionnaire") and hasattr(form, "age"):
        return screening_slots(form)
    return None


def note_layout(form: QWidget) -> QBoxLayout | None:
    layout = form.layout()
    return layout if isinstance(layout, QBoxLayout) else None


def record_kind(form: Any) -> str:
    """What the audit entry calls the record the card was read for."""
    kind = getattr(form, "id_card_record_kind", None)
    if isinstance(kind, str):
        return kind
    return "purchase" if hasattr(form, "document_type") else "screening"
