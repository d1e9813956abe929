"""The administrators' part of the window: the audit trail and operators tabs, shown only to a role that
may use them, and Purge in the Station menu, visible only to a role that may purge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from fever_desk.privacy import Permissions
    from ui.desk.admin.audit_browser import AuditBrowser
    from ui.desk.admin.purge_action import PurgeAction
    from ui.desk.admin.users_admin import UsersAdmin
    from ui.desk.shell import Shell


@dataclass(frozen=True)
class Admin:
    shell: Shell
    audit_screen: AuditBrowser
    users_screen: UsersAdmin
    purge: PurgeAction

    def apply(self, permissions: Permissions) -> None:
        """After a login: add or remove the tabs and show or hide Purge as the role allows."""
        from fever_desk.privacy import Permission

        tabs = self.shell.tabs
        for screen, permission in (
            (self.audit_screen, Permission.BROWSE_AUDIT),
            (self.users_screen, Permission.MANAGE_USERS),
        ):
            index = tabs.indexOf(screen)
            if permissions.allows(permission) and index < 0:
                tabs.addTab(screen, "")
                screen.refresh()
            elif not permissions.allows(permission) and index >= 0:
                tabs.removeTab(index)
        self.purge.action.setVisible(permissions.allows(Permission.PURGE))

    def retranslate(self) -> None:
        tabs = self.shell.tabs
        self.purge.retranslate()
        tabs.setTabText(tabs.indexOf(self.audit_screen), tr("Audit trail"))
        tabs.setTabText(tabs.indexOf(self.users_screen), tr("Operators"))


def install_admin(shell: Shell) -> Admin:
    """Built now, shown as tabs only after a login whose role may use them (:meth:`Admin.apply`)."""
    from ui.desk.admin.audit_browser import AuditBrowser
    from ui.desk.admin.purge_action import PurgeAction
    from ui.desk.admin.users_admin import UsersAdmin

    audit_screen = AuditBrowser(shell.station, shell.tabs)
    users_screen = UsersAdmin(shell.station, shell.tabs)
    audit_screen.hide()
    users_screen.hide()
    purge = PurgeAction(shell.station, shell)  # the window is its parent
    shell.station_menu.insertAction(shell.new_action, purge.action)
    admin = Admin(shell, audit_screen, users_screen, purge)
    shell.on_retranslate(admin.retranslate)
    return admin
