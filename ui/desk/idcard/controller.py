"""What the desk does with a card on the reader: the policy between the reader's bridge and the form.

A card read fills the form in front of the user (the window sets :attr:`CardReaderController.form` as
the tabs change), in this order, and stops at the first step that says no:

1. a saved record being corrected takes no card (the thermometer's rule: the person at the counter now
   is not necessarily the one being corrected);
2. the operator's role must allow full-ID views (``fever_desk.privacy``): a card read shows the number;
3. fields already holding *other* text (another person's half-typed details, an earlier card) are named
   in a question, and only "Replace" fills them; "Keep" leaves the form as it was;
4. the read is logged as a full-ID view (``ui.services.idcard.record_card_read``, on the database
   worker) and only once the entry is stored is the form filled: an unlogged read is exactly what the
   log exists to prevent, as for the "Show full ID" button.

A failed read (card held askew, a reader error) is a hint in the status bar, never a dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from devices.idcard.card import IdCard
from devices.idcard.reader import CardRead, CardReadError
from devices.session import SessionStatus
from fever_desk.i18n import tr
from fever_desk.identity import mask_name
from fever_desk.settings import Settings
from ui.desk.idcard.bridge import CardReaderBridge
from ui.desk.idcard.fill import CardFiller
from ui.desk.idcard.status import card_reader_status
from ui.desk.idcard.targets import for_other_person, note_layout, record_kind, slots_for
from ui.desk.widgets.reveal import may_reveal
from ui.services.device_config import reader_config
from ui.services.idcard import card_error_text, record_card_read


class CardReaderController(QObject):
    """Owns the reader's bridge, its status-bar widget, the F11 "sample card" action and the fillers."""

    settings_requested = Signal()
    #: (form, card) once the form shows the card's details (after the audit entry is stored).
    card_filled = Signal(object, object)

    def __init__(self, station: Any, parent: QObject | None = None, bridge: CardReaderBridge | None = None):
        super().__init__(parent)
        self.station = station
        self._form: QWidget | None = None
        self._fillers: dict[tuple[int, bool], CardFiller] = {}
        self._watched: set[int] = set()
        self.question: QMessageBox | None = None
        self._started = False
        self.bridge = bridge or CardReaderBridge(self)
        self.status_widget = card_reader_status()
        self.status_widget.clicked.connect(self.settings_requested)
        self.present_action = QAction(self)
        self.present_action.setObjectName("present_sample_card")
        self.present_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.present_action.triggered.connect(self.present_sample_card)
        self.bridge.card_read.connect(self._on_card)
        self.bridge.card_failed.connect(self._on_failure)
        self.bridge.status_changed.connect(self._on_status)
        self.retranslate()

    # ---- the form in front ----------------------------------------------------------------------------
    @property
    def form(self) -> QWidget | None:
        return self._form

    @form.setter
    def form(self, form: QWidget | None) -> None:
        self._form = form
        cleared = getattr(form, "cleared", None)
        if form is not None and cleared is not None and id(form) not in self._watched:
            key = id(form)
            self._watched.add(key)
            cleared.connect(lambda: self._form_cleared(key))

    def front(self) -> QWidget | None:
        """The form a card goes to: a dialog in front that takes cards (``id_card_slots``, e.g. the
        observation registration), else the tab's form."""
        modal = QApplication.activeModalWidget()
        if modal is not None and callable(getattr(modal, "id_card_slots", None)):
            return modal
        return self._form

    def filler(self, form: QWidget, other: bool = False) -> CardFiller | None:
        """The form's filler (made on first use), or None for a form that takes no cards.

        A dialog is made and deleted each time it opens, and a new one may get a deleted one's ``id``:
        a filler whose Qt object went with its form is made again."""
        key = (id(form), other)
        cached = self._fillers.get(key)
        if cached is None or not shiboken6.isValid(cached) or cached.parent() is not form:
            slots = slots_for(form, other)
            if slots is None:
                return None
            self._fillers[key] = CardFiller(slots, note_layout(form), form)
        return self._fillers[key]

    def _form_cleared(self, form_key: int) -> None:
        for (key, _other), filler in self._fillers.items():
            if key == form_key and shiboken6.isValid(filler):
                filler.forget()

    # ---- lifecycle ------------------------------------------------------------------------------------
    def start(self, settings: Settings) -> None:
        """Open the configured reader; a counter without one shows "no card reader set up"."""
        self._started = True
        config = reader_config(settings)
        if config is not None:
            self.bridge.start(config)
        else:
            self._on_status(self.bridge.status)

    def apply_settings(self, settings: Settings) -> None:
        """Reopen the reader only if its settings changed; nothing before :meth:`start` or after
        :meth:`stop` (the window may apply settings before the desk runs, or while it closes)."""
        if self._started:
            config = reader_config(settings)
            if config is None:
                if self.bridge.active:
                    self.bridge.stop()
            elif config != self.bridge.config or not self.bridge.active:
                self.bridge.restart(config)
        self.retranslate()

    def stop(self) -> bool:
        self._started = False
        if self.question is not None:
            self.question.reject()
        return self.bridge.stop()

    def retranslate(self) -> None:
        self.present_action.setText(tr("Place a sample card on the simulated &card reader"))
        self.present_action.setEnabled(self.bridge.simulated)
        self.status_widget.retranslate()

    def present_sample_card(self) -> None:
        if not self.bridge.present():
            self.status_widget.show_hint(tr("This card reader reads real cards: place one on it."))

    def _on_status(self, status: SessionStatus) -> None:
        self.status_widget.show_status(status, self.bridge.simulated, self.bridge.device_label)
        self.present_action.setEnabled(self.bridge.simulated)

    # ---- cards ----------------------------------------------------------------------------------------
    def _on_failure(self, error: CardReadError) -> None:
        self.status_widget.show_hint(card_error_text(error))

    def _on_card(self, read: CardRead) -> None:
        card = read.card
        form = self.front()
        if form is None or not form.isVisible():
            self.status_widget.show_hint(tr("Card read, but no form is open to take it."))
            return
        if getattr(form, "editing", None) is not None:
            self.status_widget.show_hint(tr("Card not used while correcting a saved record."))
            return
        if not may_reveal(self.station):
            self.status_widget.show_hint(tr("Your role does not allow reading ID cards."))
            return
        if self.question is not None:
            self.status_widget.show_hint(tr("Answer the question about the previous card first."))
            return
        other = for_other_person(form)
        filler = self.filler(form, other)
        if filler is None and callable(getattr(form, "id_card_slots", None)):
            self.status_widget.show_hint(tr("Card not used: this form takes the person from a saved record."))
            return
        if filler is None:
            self.status_widget.show_hint(tr("Card read, but no form is open to take it."))
            return
        clashes = filler.clashes(card)
        if not clashes:
            self._log_then_fill(form, filler, card, other)
            return
        self._ask(form, filler, card, other, ", ".join(slot.label() for slot in clashes))

    def _ask(self, form: QWidget, filler: CardFiller, card: IdCard, other: bool, fields: str) -> None:
        """Never overwrite typed text silently: a question, answered with the keyboard (Enter keeps)."""
        box = QMessageBox(form.window())
        box.setObjectName("id_card_overwrite")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("ID card"))
        box.setText(
            tr(
                "The form already holds other details ({fields}). Replace them with the card of {name}?",
                fields=fields,
                name=mask_name(card.name),
            )
        )
        replace = box.addButton(tr("&Replace with the card"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(tr("&Keep what is typed"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.question = box

        def answered(_result: int) -> None:
            self.question = None
            if box.clickedButton() is replace:
                self._log_then_fill(form, filler, card, other)
            else:
                self.status_widget.show_hint(tr("Card not used: the form keeps what was typed."))

        box.finished.connect(answered)
        box.open()

    def _log_then_fill(self, form: QWidget, filler: CardFiller, card: IdCard, other: bool) -> None:
        today = date.today()
        kind, record_id = record_kind(form), str(getattr(form, "record_id", ""))
        expired = card.expired_on(today)

        def log(ctx: Any) -> object:
            return record_card_read(ctx, kind, record_id, expired=expired, other_person=other)

        def show(_entry: object) -> None:
            if not shiboken6.isValid(filler):
                return  # the dialog was closed meanwhile
            if str(getattr(form, "record_id", "")) != record_id:
                return  # the form was saved or cleared meanwhile: the card belongs to no one on it now
            filler.fill(card, today)
            self.status_widget.show_hint(tr("Card read: {name}", name=mask_name(card.name)))
            self.card_filled.emit(form, card)

        self.station.worker.submit(
            log,
            show,
            lambda error: self.station.report(
                error, tr("The card read could not be logged, so it is not shown: {problem}")
            ),
        )
