"""The daily report in the window: the Reports tab, the reminder strip above the tabs (from 30 minutes
before the cutoff, never a dialog), and today's figures in the status bar; the strip and the figures open
the tab.  Each refreshes itself from ``Station.changed``: no refresh is wired here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from ui.desk.reports.glance import ReportGlance
    from ui.desk.reports.reminder import ReminderBanner, ReportReminder
    from ui.desk.reports.screen import ReportsScreen
    from ui.desk.shell import Shell


@dataclass(frozen=True)
class Reports:
    screen: ReportsScreen
    reminder: ReportReminder
    banner: ReminderBanner
    glance: ReportGlance


def install_reports(shell: Shell) -> Reports:
    from ui.desk.reports.glance import ReportGlance
    from ui.desk.reports.reminder import ReminderBanner, ReportReminder
    from ui.desk.reports.screen import ReportsScreen

    reminder = ReportReminder(shell.station, parent=shell)  # the window is its parent
    banner = ReminderBanner(reminder, shell.centralWidget())
    shell.add_strip(banner)
    screen = ReportsScreen(shell.station, shell.tabs)
    shell.tabs.addTab(screen, "")
    glance = ReportGlance(shell.station, shell)  # the window is its parent
    shell.add_status_widget(glance)

    def show_reports() -> None:
        shell.tabs.setCurrentWidget(screen)

    glance.clicked.connect(show_reports)
    banner.open_reports.connect(show_reports)
    reminder.start()
    shell.on_close(reminder.stop)

    def retranslate() -> None:
        shell.tabs.setTabText(shell.tabs.indexOf(screen), tr("Reports"))
        banner.retranslate()
        glance.retranslate()

    shell.on_retranslate(retranslate)
    return Reports(screen, reminder, banner, glance)
