"""The disposition, large and coloured, with the reasons that led to it.

A nurse must be able to read the decision from across the desk, and to explain it to the patient: so
the colour carries the severity and the reasons are always listed, never only a verdict.

The panel sits above today's list, and while the form is incomplete it lists what is still missing: a
line fewer with nearly every field filled in.  Had its height followed its text, each key typed would have
moved today's list and resized its scroll bars, and a profile of the GUI thread while typing found about
45% of the paint samples in those scroll bars.  So each line's height is held: a label grows to what its
text needs but does not shrink back while the panel keeps its width (:meth:`OutcomePanel._hold`).  The
panel is therefore as tall as the longest list it has shown at this width (the empty form's, as a rule),
and only a longer text than any before, or a change of width, lets the list below move.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
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
        for label in (self.caption, self.headline, self.reasons):  # a held line's spare room goes below
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for widget in (self.caption, self.headline, self.reasons):
            layout.addWidget(widget)
        self.outcome: Outcome | None = None
        self._caption_text = ""
        # The caption ("Saved: …") comes with the first save: its line is kept from the start.
        self._floors = {self.caption: self.caption.fontMetrics().lineSpacing()}
        self.caption.setMinimumHeight(self._floors[self.caption])
        self.show_pending([])

    def _labels(self) -> tuple[QLabel, ...]:
        return (self.caption, self.headline, self.reasons)

    def _hold(self) -> None:
        """Let each label grow to what its text needs at its present width, never shrink: the list below
        stays where it is while the missing lines come and go (see the module docstring)."""
        for label in self._labels():
            width = label.width()
            needed = label.heightForWidth(width) if label.wordWrap() and width > 0 else -1
            if needed < 0:
                needed = label.sizeHint().height()
            if needed > label.minimumHeight():
                label.setMinimumHeight(needed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width wraps the text anew: measure again from nothing, at most once per width change."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            for label in self._labels():
                label.setMinimumHeight(self._floors.get(label, 0))
            self._hold()

    def show_pending(self, missing: list[str]) -> None:
        self.outcome = None
        # The border as wide as an outcome's, in the background's colour: the frame keeps its size too.
        set_style(self, "#outcome { background: #f4f5f7; border: 2px solid #f4f5f7; }")
        self.caption.setText("")
        set_style(self.headline, "color: #555;")
        self.headline.setText(tr("Outcome appears when the form is complete"))
        self.reasons.setText("\n".join(missing))
        self._hold()

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
        self._hold()
