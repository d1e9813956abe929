"""The referral slip offered on the pharmacy screen (F10 or the advice panel's button).

The purchase becomes a screening record on the database worker (see ``fever_desk.pharmacy_referral``),
stored with its audit entry in one transaction (``ui.services.pharmacy.refer_to_clinic``), then the
same slip panel as the screening desk prints it, so the pharmacy's slips are signed, recorded and
archived exactly like the desk's.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from fever_desk.guidelines import GuidelineError, get_guideline
from fever_desk.i18n import tr
from fever_desk.pharmacy import Purchase
from fever_desk.pharmacy_referral import screening_from_purchase
from ui.desk.pharmacy.screen import PharmacyScreen
from ui.desk.slips.panel import SlipPanel
from ui.desk.station import Station
from ui.services.pharmacy import refer_to_clinic
from ui.services.screening import ScreeningSaved


class PharmacyReferral(QObject):
    def __init__(self, station: Station, screen: PharmacyScreen) -> None:
        super().__init__(screen)
        self.station = station
        self.screen = screen
        self.panel = SlipPanel(station)
        side = screen.advice.parentWidget().layout()
        side.insertWidget(side.indexOf(screen.advice) + 1, self.panel)
        self.panel.hide()
        screen.slip_requested.connect(self.refer)

    def refer(self, purchase: Purchase) -> None:
        try:
            guideline = get_guideline(purchase.guideline_id or self.station.settings.guideline_id)
        except GuidelineError:
            guideline = get_guideline(self.station.settings.guideline_id)
        screening = screening_from_purchase(purchase, guideline, self.station.fever_rule)

        self.station.perform(
            lambda ctx: refer_to_clinic(ctx, screening, purchase.id), self._saved, self.station.report
        )

    def _saved(self, result: ScreeningSaved) -> None:
        """``queued``: the referral is kept on this counter while the server is away; say so, as the
        desk does for a save, so the pharmacist does not refer the buyer a second time."""
        if result.queued:
            self.screen.status.setText(
                tr("Referral saved on this counter. It will be sent when the server is back.")
            )
        self.panel.show_screening(result.screening)
        self.panel.print_slip()

    def retranslate(self) -> None:
        self.panel.retranslate()

    def stop(self) -> None:
        self.panel.stop()
