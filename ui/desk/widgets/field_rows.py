"""Labelled form rows with an inline error under each field, shared by the pharmacy form's parts.

Every field gets its label (with a mnemonic buddy) and a hidden red error line beneath it, so a failed
check can say what is wrong exactly where the pharmacist is looking, without moving anything typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

ERROR_STYLE = "color: #b00020;"


class FieldRows:
    """Mixin for a QWidget holding ``_errors`` and ``_labels`` dicts and an ``_on_changed`` slot."""

    _errors: dict[str, QLabel]
    _labels: dict[str, QLabel]

    def _on_changed(self, *_args: object) -> None:
        raise NotImplementedError

    def _line(self, name: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self)  # type: ignore[arg-type]
        edit.setObjectName(name)
        edit.setMaxLength(max_length)
        edit.textChanged.connect(self._on_changed)
        return edit

    def _add_row(self, form: QFormLayout, key: str, widget: QWidget | QHBoxLayout, buddy: QWidget) -> None:
        label = QLabel(self)  # type: ignore[arg-type]
        label.setBuddy(buddy)
        self._labels[key] = label
        error = QLabel(self)  # type: ignore[arg-type]
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        self._errors[key] = error
        box = QVBoxLayout()
        box.setSpacing(0)
        if isinstance(widget, QHBoxLayout):
            box.addLayout(widget)
        else:
            box.addWidget(widget)
        box.addWidget(error)
        form.addRow(label, box)

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)  # type: ignore[arg-type]
        label.setObjectName(name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label
