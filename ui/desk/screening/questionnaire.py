"""The questionnaire part of the screening form, built from the active guideline file.

Nothing here names a symptom or an exposure: the items, their order and their wording come from the
guideline data, so a new protocol version is a new file, not a code change.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from fever_desk.guidelines import Guideline
from fever_desk.i18n import current_language, tr
from ui.desk.widgets.inputs import YesNoField


class QuestionGroup(QGroupBox):
    changed = Signal()

    def __init__(self, title: str, items: tuple, *, optional: bool, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.optional = optional
        self.fields: dict[str, YesNoField] = {}
        self.labels: dict[str, QLabel] = {}
        self._items = items
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for item in items:
            label = QLabel(self)
            label.setWordWrap(True)
            field = YesNoField(tr("Yes"), tr("No"), self)
            field.setObjectName(f"item_{item.id}")
            field.changed.connect(self.changed)
            label.setBuddy(field)
            form.addRow(label, field)
            self.fields[item.id] = field
            self.labels[item.id] = label
        self.retranslate()

    def retranslate(self) -> None:
        language = current_language()
        for item in self._items:
            self.labels[item.id].setText(item.text.get(language) or item.text.get("zh_CN", item.id))
            self.fields[item.id].set_labels([tr("Yes"), tr("No")])

    def values(self) -> dict[str, bool | None]:
        return {item_id: field.value() for item_id, field in self.fields.items()}  # type: ignore[misc]

    def set_values(self, values: dict[str, bool | None]) -> None:
        for item_id, field in self.fields.items():
            field.set_value(values.get(item_id))

    def mark_unanswered_no(self) -> int:
        count = 0
        for field in self.fields.values():
            if field.value() is None:
                field.set_value(False)
                count += 1
        return count

    def clear(self) -> None:
        for field in self.fields.values():
            field.set_value(None)


class Questionnaire(QWidget):
    """Symptoms and epidemiological history (required), then the fever clinic's optional findings."""

    changed = Signal()

    def __init__(self, guideline: Guideline, parent: QWidget | None = None):
        super().__init__(parent)
        self.guideline = guideline
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.symptoms = QuestionGroup("", guideline.symptoms, optional=False, parent=self)
        self.epidemiological = QuestionGroup("", guideline.epidemiological, optional=False, parent=self)
        self.clinical = QuestionGroup("", guideline.answerable_clinical(), optional=True, parent=self)
        for group in (self.symptoms, self.epidemiological, self.clinical):
            group.changed.connect(self.changed)
            layout.addWidget(group)
        self.clinical.setVisible(bool(guideline.answerable_clinical()))
        self.retranslate()

    def retranslate(self) -> None:
        self.symptoms.setTitle(tr("Symptoms (ask each one)"))
        self.epidemiological.setTitle(
            tr("Epidemiological history, {days} days before onset", days=self.guideline.lookback_days)
        )
        self.clinical.setTitle(tr("Fever clinic findings (optional; filled in by the fever clinic)"))
        for group in (self.symptoms, self.epidemiological, self.clinical):
            group.retranslate()

    def focus_chain(self) -> list[QWidget]:
        return [
            *self.symptoms.fields.values(),
            *self.epidemiological.fields.values(),
            *self.clinical.fields.values(),
        ]

    def mark_remaining_no(self) -> int:
        """The nurse has asked every question: unanswered symptom and history items become "no".

        The fever clinic's findings are left alone: "not known" is their honest answer at the counter.
        """
        return self.symptoms.mark_unanswered_no() + self.epidemiological.mark_unanswered_no()

    def unanswered(self) -> list[str]:
        return [
            item_id
            for group in (self.symptoms, self.epidemiological)
            for item_id, value in group.values().items()
            if value is None
        ]

    def clear(self) -> None:
        for group in (self.symptoms, self.epidemiological, self.clinical):
            group.clear()
