"""The county in the window: its tab (shown to the county role) and the sending of this station's reports
to the county in the background, stopped on close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from ui.desk.county.screen import CountyScreen
    from ui.desk.county.sending import CountySender
    from ui.desk.reports.screen import ReportsScreen
    from ui.desk.shell import Shell


def install_county(shell: Shell, reports: ReportsScreen) -> tuple[CountyScreen, CountySender]:
    from ui.desk.county.screen import CountyScreen
    from ui.desk.county.sending import CountySender

    county = CountyScreen(shell.station, shell.tabs)
    shell.tabs.addTab(county, "")
    sender = CountySender(shell.station, reports)
    sender.start()
    shell.on_close(sender.stop)
    shell.on_retranslate(lambda: shell.tabs.setTabText(shell.tabs.indexOf(county), tr("County")))
    return county, sender
