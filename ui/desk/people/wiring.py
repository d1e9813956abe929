"""Find a person in the window: its tab (screenings and purchases by ID, phone or name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from ui.desk.people.person_search import PersonSearch
    from ui.desk.shell import Shell


def install_people(shell: Shell) -> PersonSearch:
    from ui.desk.people.person_search import PersonSearch

    people = PersonSearch(shell.station, shell.tabs)
    shell.tabs.addTab(people, "")
    shell.on_retranslate(lambda: shell.tabs.setTabText(shell.tabs.indexOf(people), tr("Find a person")))
    return people
