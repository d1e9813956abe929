"""The report cards in the window: the 2-hour clock's strip above the tabs for everyone (F12, Enter opens
the most urgent card), and the cards' menu before Help (Ctrl+Shift+N, a card by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.desk.report_cards.desk import CardDesk
    from ui.desk.shell import Shell


def install_report_cards(shell: Shell) -> CardDesk:
    from ui.desk.report_cards.desk import CardDesk

    cards = CardDesk(shell.station, shell, shell.centralWidget())  # the window is its parent
    shell.add_strip(cards.strip)
    shell.menuBar().insertMenu(shell.help_menu.menuAction(), cards.menu)
    cards.start()
    shell.on_close(cards.stop)
    shell.on_retranslate(cards.retranslate)
    return cards
