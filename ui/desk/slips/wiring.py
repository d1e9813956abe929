"""Slips in the window: the slip panel on the screening desk (Ctrl+P prints, Alt+F saves the PDF, after a
save) and the Verify slip tab; both stop their threads on close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from ui.desk.screening.desk import ScreeningDesk
    from ui.desk.shell import Shell
    from ui.desk.slips.panel import SlipPanel
    from ui.desk.slips.verify_slip import VerifySlipScreen


def install_slips(shell: Shell, desk: ScreeningDesk) -> tuple[SlipPanel, VerifySlipScreen]:
    from ui.desk.slips.panel import SlipPanel
    from ui.desk.slips.verify_slip import VerifySlipScreen

    panel = SlipPanel(shell.station)
    panel.attach(desk)
    verify = VerifySlipScreen(shell.station)
    shell.on_close(panel.stop)
    shell.on_close(verify.stop)
    shell.tabs.addTab(verify, "")

    def retranslate() -> None:
        shell.tabs.setTabText(shell.tabs.indexOf(verify), tr("Verify slip"))
        panel.retranslate()

    shell.on_retranslate(retranslate)
    return panel, verify
