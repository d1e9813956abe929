"""The two inline panels beside the pharmacy form: earlier purchases, and the fever-clinic advice.

Neither is a dialog: the queue is waiting, and a modal box is clicked away unread.  The repeat panel
lists what the same person bought in the last days and asks for one key (F7) to confirm it was seen;
the advice panel turns red as soon as the typed temperature or a "yes" in the history calls for the
fever clinic, and after the save offers the referral slip (F10).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from fever_desk.i18n import tr
from fever_desk.pharmacy import Advice, AdviceResult, Purchase, RepeatMatch
from ui.desk.widgets.inputs import set_style

_REPEAT_STYLE = "#repeat_panel { background: #fff3cd; border: 2px solid #e0a800; border-radius: 4px; }"
_SEEN_STYLE = "#repeat_panel { background: #f1f1f1; border: 1px solid #bbb; border-radius: 4px; }"
_FEVER_STYLE = "#advice_panel { background: #fde2e1; border: 3px solid #b00020; border-radius: 4px; }"
_ROUTINE_STYLE = "#advice_panel { background: #e6f4ea; border: 1px solid #1b7f3b; border-radius: 4px; }"


class RepeatPanel(QWidget):
    """Earlier purchases by the same person; ``acknowledged`` holds the ids the pharmacist confirmed."""

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("repeat_panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setObjectName("repeat_title")
        self.title.setWordWrap(True)
        set_style(self.title, "font-weight: bold;")
        self.list = QListWidget(self)
        self.list.setObjectName("repeat_list")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(120)
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName("repeat_confirm")
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self.confirm)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(self.confirm_button)
        self.matches: list[RepeatMatch] = []
        self.acknowledged: frozenset = frozenset()
        self.days = 3
        self.hide()

    def show_matches(self, matches: Sequence[RepeatMatch], days: int) -> None:
        self.matches = list(matches)
        self.days = days
        if not self.matches:
            self.hide()
            return
        self.list.clear()
        for match in self.matches:
            self.list.addItem(_describe(match))
        self._render()
        self.show()

    def pending(self) -> bool:
        return any(m.purchase.id not in self.acknowledged for m in self.matches)

    def confirm(self) -> None:
        if not self.matches:
            return
        self.acknowledged = self.acknowledged | {m.purchase.id for m in self.matches}
        self._render()
        self.confirmed.emit()

    def reset(self) -> None:
        self.matches = []
        self.acknowledged = frozenset()
        self.list.clear()
        self.hide()

    def retranslate(self) -> None:
        if self.matches:
            self.show_matches(self.matches, self.days)

    def _render(self) -> None:
        if self.pending():
            set_style(self, _REPEAT_STYLE)
            self.title.setText(
                tr(
                    "Bought fever or cough medicine {count} times in the last {days} days. "
                    "Ask about their health; press F7 to confirm you have seen this.",
                    count=len(self.matches),
                    days=self.days,
                )
            )
            self.confirm_button.setText(tr("Seen (F7)"))
            self.confirm_button.show()
        else:
            set_style(self, _SEEN_STYLE)
            self.title.setText(tr("Earlier purchases in the last {days} days (confirmed)", days=self.days))
            self.confirm_button.hide()


def _describe(match: RepeatMatch) -> str:
    p = match.purchase
    when = p.created_at.astimezone().strftime("%m-%d %H:%M") if p.created_at else ""
    drugs = "、".join(f"{d.name}×{d.quantity}" for d in p.drugs)
    how = tr("same ID") if match.by == "id" else tr("same phone")
    return f"{when}  {p.purchaser.name}  {p.temperature.celsius:.1f} °C  {drugs}  ({how})"


class AdvicePanel(QWidget):
    """Fever clinic or not, live; after a save with fever-clinic advice, the referral slip offer."""

    slip_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("advice_panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        self.headline = QLabel(self)
        self.headline.setObjectName("advice_headline")
        self.headline.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("advice_detail")
        self.detail.setWordWrap(True)
        self.slip_button = QPushButton(self)
        self.slip_button.setObjectName("slip_button")
        self.slip_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slip_button.clicked.connect(self.slip_clicked)
        self.slip_button.hide()
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.slip_button)
        self.result: AdviceResult | None = None
        self.saved: Purchase | None = None
        self.show_advice(None)

    def show_advice(self, result: AdviceResult | None, *, item_texts: dict[str, str] | None = None) -> None:
        self.result = result
        self.saved = None
        self.slip_button.hide()
        self._render(item_texts or {})

    def show_saved(self, purchase: Purchase, item_texts: dict[str, str]) -> None:
        """Keep the advice on screen after the form clears, and offer the slip when it is needed."""
        self.result = AdviceResult(purchase.advice, purchase.advice_reasons)
        self.saved = purchase
        self._render(item_texts, saved_name=purchase.purchaser.name)
        self.slip_button.setVisible(purchase.advice is Advice.FEVER_CLINIC)

    def fever_clinic(self) -> bool:
        return self.result is not None and self.result.advice is Advice.FEVER_CLINIC

    def retranslate(self) -> None:
        self.slip_button.setText(tr("Referral slip (F10)"))
        self._render({})

    def _render(self, item_texts: dict[str, str], saved_name: str = "") -> None:
        self.slip_button.setText(tr("Referral slip (F10)"))
        prefix = tr("Saved: {name}", name=saved_name) + " — " if saved_name else ""
        if self.result is None:
            set_style(self, "")
            self.headline.setText(prefix + tr("Advice appears once the temperature is typed"))
            set_style(self.headline, "font-size: 14px;")
            self.detail.setText("")
            return
        if self.result.advice is Advice.FEVER_CLINIC:
            set_style(self, _FEVER_STYLE)
            self.headline.setText(prefix + tr("Advise the fever clinic: do not self-medicate"))
            set_style(self.headline, "font-size: 20px; font-weight: bold; color: #b00020;")
            self.detail.setText("；".join(_reason_text(code, item_texts) for code in self.result.reasons))
        else:
            set_style(self, _ROUTINE_STYLE)
            self.headline.setText(prefix + tr("No fever, no exposure: sale may proceed"))
            set_style(self.headline, "font-size: 14px; color: #1b7f3b;")
            self.detail.setText("")


def _reason_text(code: str, item_texts: dict[str, str]) -> str:
    if code == "fever":
        return tr("Temperature at or above the fever line")
    if code == "other_fever":
        return tr("The person the medicine is for has a fever")
    item = code.removeprefix("epi:")
    return item_texts.get(item, item)
