"""The pharmacy register in the window: its tab, the fever-clinic referral that follows a save, and "Show
full ID" on today's purchasers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from ui.desk.pharmacy.referral import PharmacyReferral
    from ui.desk.pharmacy.screen import PharmacyScreen
    from ui.desk.shell import Shell


def install_pharmacy(shell: Shell) -> tuple[PharmacyScreen, PharmacyReferral, Any]:
    """Returns the screen, its referral (stopped on close) and its list's "Show full ID" action."""
    from ui.desk.pharmacy.referral import PharmacyReferral
    from ui.desk.pharmacy.screen import PharmacyScreen
    from ui.desk.widgets.reveal import install_reveal_action

    pharmacy = PharmacyScreen(shell.station, shell.tabs)
    shell.tabs.addTab(pharmacy, "")
    referral = PharmacyReferral(shell.station, pharmacy)
    shell.on_close(referral.stop)

    def retranslate() -> None:
        shell.tabs.setTabText(shell.tabs.indexOf(pharmacy), tr("Pharmacy register"))
        referral.retranslate()

    shell.on_retranslate(retranslate)

    def purchase_id_at(index: QModelIndex) -> tuple[str, str, Callable[[Any], str]] | None:
        from ui.services.pharmacy import get_purchase

        rows = pharmacy.today.rows
        if not 0 <= index.row() < len(rows) or not rows[index.row()].id_masked:
            return None
        pid = rows[index.row()].id
        return ("purchase", str(pid), lambda ctx: get_purchase(ctx, pid).purchaser.id_number)

    return pharmacy, referral, install_reveal_action(pharmacy.today.table, shell.station, purchase_id_at)
