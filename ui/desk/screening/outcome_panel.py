"""The disposition, large and coloured, with the reasons that led to it.

A nurse must be able to read the decision from across the desk, and to explain it to the patient: so
the colour carries the severity and the reasons are always listed, never only a verdict.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from fever_desk.i18n import current_language, tr
from fever_desk.model import Disposition, Outcome
from fever_desk.triage import disposition_label
from ui.desk.widgets.inputs import set_style

_COLOURS = {
    Disposition.ROUTINE: ("#1b7f3b", "#e6f4ea"),
    Disposition.FEVER_CLINIC: ("#b35c00", "#fff1e0"),
    Disposition.SUSPECTED: ("#b00020", "#fde7ea"),
}


class OutcomePanel(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("outcome")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.caption = QLabel(self)
        self.headline = QLabel(self)
        self.headline.setObjectName("outcome_headline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.headline.setFont(font)
        self.reasons = QLabel(self)
        self.reasons.setObjectName("outcome_reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.caption, self.headline, self.reasons):
            layout.addWidget(widget)
        self.outcome: Outcome | None = None
        self._caption_text = ""
        self.show_pending([])

    def show_pending(self, missing: list[str]) -> None:
        self.outcome = None
        set_style(self, "#outcome { background: #f4f5f7; }")
        self.caption.setText("")
        set_style(self.headline, "color: #555;")
        self.headline.setText(tr("Outcome appears when the form is complete"))
        self.reasons.setText("\n".join(missing))

    def show_outcome(self, outcome: Outcome, caption: str = "") -> None:
        self.outcome = outcome
        self._caption_text = caption
        fg, bg = _COLOURS[outcome.disposition]
        set_style(self, f"#outcome {{ background: {bg}; border: 2px solid {fg}; }}")
        set_style(self.headline, f"color: {fg};")
        self.retranslate()

    def retranslate(self) -> None:
        if self.outcome is None:
            return
        language = current_language()
        self.caption.setText(self._caption_text)
        self.headline.setText(disposition_label(self.outcome.disposition, language))
        self.reasons.setText("\n".join(f"• {r.in_language(language)}" for r in self.outcome.reasons))
