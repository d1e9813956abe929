"""The 14-day observation register in the window: its tab, F4 (the Station menu's "Observation register")
to open it, and F6 on both counters to register the person just saved or the row chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from ui.desk.observation.from_counters import RegisterFromCounter
    from ui.desk.observation.screen import ObservationScreen
    from ui.desk.shell import Shell


def install_observation(
    shell: Shell, desk: Any, pharmacy: Any
) -> tuple[ObservationScreen, tuple[RegisterFromCounter, RegisterFromCounter], QAction]:
    """Returns the screen, the F6 hooks on the desk and the pharmacy, and the F4 action."""
    from PySide6.QtGui import QAction, QKeySequence

    from ui.desk.observation.from_counters import install_on_desk, install_on_pharmacy
    from ui.desk.observation.screen import ObservationScreen

    screen = ObservationScreen(shell.station, shell.tabs)
    shell.tabs.addTab(screen, "")
    shell.on_close(screen.stop)
    hooks = (install_on_desk(shell.station, desk), install_on_pharmacy(shell.station, pharmacy))
    action = QAction(shell)  # the window owns it, so F4 works on every tab
    action.triggered.connect(lambda: shell.tabs.setCurrentWidget(screen))
    action.setShortcut(QKeySequence("F4"))
    shell.addAction(action)
    shell.station_menu.insertAction(shell.settings_action, action)

    def retranslate() -> None:
        shell.tabs.setTabText(shell.tabs.indexOf(screen), screen.title())
        action.setText(tr("&Observation register"))
        for hook in hooks:
            hook.retranslate()

    shell.on_retranslate(retranslate)
    return screen, hooks, action
