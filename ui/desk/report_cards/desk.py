"""The report cards' place in the window: the clock strip, its keys, and who may open a card.

Everyone logged in sees the clock (a nurse must know a card is waiting, to fetch the doctor); only a
doctor or an administrator opens a card to complete it, mark it reported or correct it, and anyone else
is told so in a sentence rather than shown a disabled button.  F12 takes the keyboard to the most urgent
card; Enter opens it (after logging the view of the full ID number it shows); Ctrl+Shift+N makes a card
by hand; the "Report cards" menu also exports the day's cards.  The main window only places the strip
and the menu and calls ``start`` / ``stop``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from fever_desk.i18n import tr
from ui.desk.report_cards import cards_api as api
from ui.desk.report_cards.clock import CardClock, ClockStrip
from ui.desk.station import Station
from ui.desk.widgets.reveal import request_reveal

if TYPE_CHECKING:
    # Loaded when a doctor first opens a card, not while the window is built behind the login dialog.
    from ui.desk.report_cards.by_hand import HandCardDialog
    from ui.desk.report_cards.editor import CardEditor


class CardDesk(QObject):
    """Owns the clock, the strip, the actions and the dialogs opened from them."""

    def __init__(
        self,
        station: Station,
        window: QWidget,
        strip_parent: QWidget | None = None,
        clock: Callable[[], datetime] = api.local_now,
    ) -> None:
        super().__init__(window)
        self.station = station
        self.window = window
        self.clock = CardClock(station, clock, parent=self)
        self.strip = ClockStrip(self.clock, strip_parent)
        self.strip.open_requested.connect(self.open_card)
        self.editor: CardEditor | None = None
        self._focus_when_loaded = False
        self.clock.changed.connect(self._loaded)
        self._dialogs: list[QWidget] = []  # file dialogs kept alive until answered
        self.focus_action = QAction(window)
        self.focus_action.setObjectName("card_clock_focus")
        self.focus_action.setShortcut(QKeySequence("F12"))
        self.focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.focus_action.triggered.connect(self.focus_clock)
        self.new_action = QAction(window)
        self.new_action.setObjectName("card_new_by_hand")
        self.new_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_action.triggered.connect(lambda: self.new_by_hand())
        window.addAction(self.new_action)
        self.export_action = QAction(window)
        self.export_action.setObjectName("card_export_day")
        self.export_action.triggered.connect(lambda: self.export_today())
        window.addAction(self.focus_action)
        self.menu = QMenu(window)
        self.menu.setObjectName("card_menu")
        self.menu.addAction(self.focus_action)
        self.menu.addAction(self.new_action)
        self.menu.addAction(self.export_action)
        self.retranslate()

    def retranslate(self) -> None:
        self.menu.setTitle(tr("Report &cards"))
        self.focus_action.setText(tr("Report cards: go to the &2-hour clock"))
        self.new_action.setText(tr("&New report card by hand…"))
        self.export_action.setText(tr("Export today's report cards (XLSX)…"))
        self.strip.retranslate()
        if self.editor is not None:
            self.editor.retranslate()

    def start(self) -> None:
        self.clock.start()

    def stop(self) -> None:
        self.clock.stop()

    # ---- opening ------------------------------------------------------------------------------------
    def may_handle(self) -> bool:
        operator = self.station.operator
        return operator is not None and api.may_handle_cards(operator.role)

    def refuse(self) -> QMessageBox:
        """Say why, window-modal (``open()``): the clock and the worker keep running behind it."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("Report card"),
            tr("Only a doctor or an administrator can open a report card; ask the doctor to log in."),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("card_refused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def focus_clock(self) -> None:
        """F12.  Right after a suspected save the clock may still be asking the worker: the keyboard then
        goes to the strip as soon as the answer is in, instead of "nothing is waiting"."""
        if self.strip.focus_list():
            return
        if self.clock.asking:
            self._focus_when_loaded = True
            return
        self.station.problem.emit(tr("No report card is waiting to be reported."))

    def _loaded(self) -> None:
        if self._focus_when_loaded:
            self._focus_when_loaded = False
            if not self.strip.focus_list():
                self.station.problem.emit(tr("No report card is waiting to be reported."))

    def open_card(self, card: Any) -> bool:
        """Open ``card`` in the editor, which shows the full ID number the doctor enters online: as for any
        full ID shown (``ui.desk.widgets.reveal``), the view is logged first, and nothing is shown if
        the entry cannot be written.  False: refused (the role), told in a sentence."""
        if not self.may_handle():
            self.refuse()
            return False
        return request_reveal(
            self.station,
            "report_card",
            str(card.id),
            card.id_number,
            lambda _full: self._edit(card),
            self.window,
        )

    def _edit(self, card: Any) -> CardEditor:
        from ui.desk.report_cards import output
        from ui.desk.report_cards.editor import CardEditor

        if self.editor is not None:
            self.editor.close()
        editor = CardEditor(self.station, card, self.window, self.clock.clock)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.destroyed.connect(lambda: setattr(self, "editor", None) if self.editor is editor else None)
        editor.mark_requested.connect(lambda c: self._mark(editor, c))
        editor.correct_requested.connect(lambda c: self._correct(editor, c))
        editor.pdf_requested.connect(lambda c: self._keep(output.save_pdf(self.station, c, editor)))
        self.editor = editor
        editor.open()
        return editor

    def new_by_hand(self) -> HandCardDialog | None:
        """A card for a case found elsewhere; once stored it opens in the editor to be completed."""
        if not self.may_handle():
            self.refuse()
            return None
        from ui.desk.report_cards.by_hand import HandCardDialog

        dialog = HandCardDialog(self.station, self.window, self.clock.clock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self.open_card)
        dialog.open()
        return dialog

    def _mark(self, editor: CardEditor, card: Any) -> None:

        from ui.desk.report_cards.actions import MarkReportedDialog

        dialog = MarkReportedDialog(self.station, card, editor, self.clock.clock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(lambda result: self._after(editor, result))
        dialog.open()

    def _correct(self, editor: CardEditor, card: Any) -> None:

        from ui.desk.report_cards.actions import CorrectionDialog

        dialog = CorrectionDialog(self.station, card, editor, self.clock.clock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(lambda result: self._after(editor, result))
        dialog.open()

    def _after(self, editor: CardEditor, result: Any) -> None:
        """The editor follows the card just written: the marked card, or the new correction card."""
        if not shiboken6.isValid(editor):
            return
        editor._dirty = False
        editor.show_card(api.card_of(result))
        editor.load_history()

    # ---- files --------------------------------------------------------------------------------------
    def export_today(self, written: Callable[[Path], None] | None = None) -> None:
        if not self.may_handle():
            self.refuse()
            return

        from ui.desk.report_cards import output

        self._keep(output.export_day(self.station, self.window, self.clock.clock().date(), written))

    def _keep(self, dialog: QWidget) -> None:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self._dialogs.remove(dialog) if dialog in self._dialogs else None)  # type: ignore[attr-defined]
