"""The ID card reader in the window, beside the thermometer: its state in the status bar (a click opens
Settings → Devices), F11 (the simulator's sample card) in the Station menu, the settings it follows, and
its thread stopped on close.  A card fills the form in front, which the window sets (``ui/desk/idcard``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.desk.idcard.controller import CardReaderController
    from ui.desk.shell import Shell


def install_card_reader(shell: Shell, form: Any) -> CardReaderController:
    from ui.desk.idcard.controller import CardReaderController

    card_reader = CardReaderController(shell.station, shell)  # the window is its parent
    card_reader.form = form
    shell.add_status_widget(card_reader.status_widget)
    card_reader.settings_requested.connect(shell.open_settings)  # Settings → Devices
    shell.station.settings_changed.connect(lambda _old: card_reader.apply_settings(shell.station.settings))
    shell.station_menu.insertAction(shell.find_action, card_reader.present_action)
    shell.on_close(card_reader.stop)
    shell.on_retranslate(card_reader.retranslate)
    return card_reader
