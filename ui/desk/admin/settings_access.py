"""Who may open the station's settings, and opening them: the whole dialog (Station → Settings…, Ctrl+,)
or the thermometer's page alone (a click on its status).  Settings are the administrator's; anyone else
is told so in a message, never shown a dialog they cannot use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.desk.station import Station


def may_configure(station: Station) -> bool:
    """Station settings are the administrator's; nobody logged in may change nothing."""
    from fever_desk.privacy import Permission, Permissions

    operator = station.operator
    return operator is not None and Permissions.for_role(operator.role).allows(Permission.CONFIGURE)


def open_settings(parent: QWidget, station: Station, *, devices_only: bool = False) -> None:
    """The dialog, non-modal (``open``); accepted, the new settings go to ``Station.update_settings``."""
    if not may_configure(station):
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(
            parent,
            tr("Settings"),
            tr("Only an administrator can change the station's settings; ask yours to log in."),
        )
        return
    # The dialogs are loaded when first needed, not at start-up.
    if devices_only:
        from ui.desk.thermometer.settings import DeviceSettingsDialog as Dialog
    else:
        from ui.desk.admin.settings_dialog import SettingsDialog as Dialog

    dialog = Dialog(station.settings, parent)
    dialog.accepted.connect(lambda: station.update_settings(dialog.result_settings()))
    dialog.open()
