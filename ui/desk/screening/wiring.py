"""The pre-screening desk in the window: its tab (always the first), "Show full ID" on today's list, and
"record result" on the list's rows and on Find a person's.

The window keeps the desk's names short (``window.desk``, ``window.form``, ``window.today``) because the
desk is the station's main screen; the desk's own signals (``saved``, ``day_loaded``) are the window's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QWidget

    from ui.desk.screening.desk import ScreeningDesk
    from ui.desk.shell import Shell


def install_desk(shell: Shell) -> tuple[ScreeningDesk, Any]:
    """The desk as tab 0; returns it and its list's "Show full ID" action."""
    from ui.desk.screening.desk import ScreeningDesk
    from ui.desk.widgets.reveal import install_reveal_action

    desk = ScreeningDesk(shell.station, shell.tabs)
    shell.tabs.insertTab(0, desk, tr("Pre-screening"))
    shell.on_retranslate(lambda: shell.tabs.setTabText(shell.tabs.indexOf(desk), tr("Pre-screening")))

    def screening_id_at(index: QModelIndex) -> tuple[str, str, Callable[[Any], str]] | None:
        """The list row's record; its full number is read on the worker (the list holds it masked)."""
        from ui.services.screening import get_screening

        rows = desk.today.model.rows
        if not 0 <= index.row() < len(rows) or not rows[index.row()].id_masked:
            return None
        sid = rows[index.row()].id
        return ("screening", str(sid), lambda ctx: get_screening(ctx, sid).person.id_number)

    # Lists show masked IDs; a role that may see the full number asks for it, and that is logged.
    return desk, install_reveal_action(desk.today.table, shell.station, screening_id_at)


def install_followups(shell: Shell, desk: ScreeningDesk, people: QWidget) -> None:
    """ "Record result" on today's rows and on Find a person's (``followup_dialog``)."""
    from ui.desk.screening.followup_dialog import install_followup_action, install_on_person_search

    install_followup_action(desk.today.table, shell.station, lambda index: desk.today.model.rows[index.row()])
    install_on_person_search(people, shell.station)
