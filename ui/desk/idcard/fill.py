"""Filling a form from an ID card: which fields, the "from ID card" marks, and what counts as a clash.

Reusable by any form: a form describes its fields as :class:`Slot` objects (``targets.py`` does it for
the screening and pharmacy forms without touching them; a new form may offer ``id_card_slots()``), and a
:class:`CardFiller` fills them.  Every filled field is marked — a tinted background, the tooltip "From ID
card" and the ``from_id_card`` property — and the mark goes as soon as anything else changes the field
(the user typing, a correction being loaded, the form being cleared), because a mark that outlives the
value would vouch for text the card never held.

Nothing typed is lost silently: :meth:`CardFiller.clashes` lists the fields that hold something other
than what the card would put there, and the caller asks before :meth:`CardFiller.fill` replaces them.
An expired card still fills the form, with a note above it (the card is still the best record of who
the person is; the pharmacist decides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

from devices.idcard.card import IdCard
from fever_desk.i18n import tr

MARK_STYLE = "background: #e3f2fd;"
NOTE_STYLE = "color: #1b5e20; padding: 2px 6px;"
EXPIRED_STYLE = "color: #9a5b00; font-weight: bold; padding: 2px 6px;"


@dataclass
class Slot:
    """One field a card can fill.

    ``value(card)`` is what the card puts there (None: leave the field alone, e.g. sex "unknown" on a form
    that only has male/female); ``read()`` what the field holds now (None or "" when empty); ``write``
    puts a value in; ``changed`` is a signal that fires on every change of the field; ``label`` names the
    field in the question before overwriting; ``clash`` False for a field whose old value is never worth
    keeping (the document type, which a card can only make "resident ID").
    """

    key: str
    widget: QWidget
    value: Callable[[IdCard], Any]
    read: Callable[[], Any]
    write: Callable[[Any], None]
    changed: Any
    label: Callable[[], str]
    clash: bool = True
    style: bool = True  # tint the background (line edits); choice fields keep their own style


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip().upper() == new.strip().upper()
    return bool(old == new)


class CardFiller(QObject):
    """Fills ``slots`` from a card and keeps their marks honest; ``note_layout`` receives the note line."""

    def __init__(self, slots: list[Slot], note_layout: QBoxLayout | None, parent: QObject | None = None):
        super().__init__(parent)
        self.slots = slots
        self._filling = False
        self._marked: set[str] = set()
        self.note = QLabel()
        self.note.setObjectName("id_card_note")
        self.note.setWordWrap(True)
        self.note.hide()
        if note_layout is not None:
            note_layout.insertWidget(0, self.note)
        for slot in slots:
            slot.changed.connect(lambda *_args, key=slot.key: self._changed(key))

    @property
    def marked(self) -> frozenset[str]:
        """The keys of the fields that still hold what the card put there."""
        return frozenset(self._marked)

    def clashes(self, card: IdCard) -> list[Slot]:
        """Fields holding something else than the card's value (empty and equal fields never clash)."""
        found = []
        for slot in self.slots:
            new = slot.value(card)
            old = slot.read()
            if slot.clash and new is not None and not _empty(old) and not _same(old, new):
                found.append(slot)
        return found

    def fill(self, card: IdCard, today: date) -> None:
        """Put the card's values in and mark them; an expired card gets the note saying so."""
        self._filling = True
        try:
            for slot in self.slots:
                new = slot.value(card)
                if new is None:
                    continue
                slot.write(new)
                self._mark(slot, True)
        finally:
            self._filling = False
        if card.expired_on(today):
            assert card.valid_until is not None
            self.note.setText(
                tr(
                    "Filled from an ID card that expired on {date}: the details were used; ask whether "
                    "the person has a valid card.",
                    date=card.valid_until.isoformat(),
                )
            )
            self.note.setStyleSheet(EXPIRED_STYLE)
        else:
            self.note.setText(tr("Filled from the ID card: the tinted fields are as the card reads."))
            self.note.setStyleSheet(NOTE_STYLE)
        self.note.show()

    def forget(self) -> None:
        """The form was cleared or moved on to another record: no field is from the card any more."""
        for slot in self.slots:
            self._mark(slot, False)
        self.note.hide()

    def _changed(self, key: str) -> None:
        if self._filling or key not in self._marked:
            return
        slot = next(s for s in self.slots if s.key == key)
        self._mark(slot, False)
        if not self._marked:
            self.note.hide()

    def _mark(self, slot: Slot, on: bool) -> None:
        if on:
            self._marked.add(slot.key)
        else:
            self._marked.discard(slot.key)
        slot.widget.setProperty("from_id_card", on)
        slot.widget.setToolTip(tr("From ID card") if on else "")
        if slot.style:
            slot.widget.setStyleSheet(MARK_STYLE if on else "")
