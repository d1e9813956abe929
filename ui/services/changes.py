"""What an operation changed, so every screen can decide for itself whether to refresh.

Modelled on Anki's ``OpChanges`` (``qt/aqt/operations``): an operation's result says what kind of
records it wrote; the desk broadcasts that after the operation (``ui.desk.station.Station.perform`` emits
``Station.changed``), and each screen subscribed to it refreshes what it shows.  The main window no longer
wires "after a save, refresh the glance" by hand, and a new screen only has to listen.

``records`` carries the records the operation stored (a new or corrected screening, a new purchase), so a
list can insert or replace that one row instead of reloading the day.  Qt-free: the command line and the
tests use the same description.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Changes:
    """Which kinds of records an operation wrote; falsy when it wrote nothing."""

    screenings: bool = False  # created or corrected (``records`` holds them)
    purchases: bool = False  # registered (``records`` holds them)
    reports: bool = False  # a new daily-report revision
    followups: bool = False  # a result received back (the daily report counts them)
    slips: bool = False  # a slip printed, reprinted or saved as PDF
    users: bool = False  # an operator added, disabled or given a new password
    settings: bool = False  # the station's settings
    purged: bool = False  # old records deleted: every list and figure may have shrunk
    observations: bool = False  # the observation register: a registration, a half-day, an outcome
    records: tuple[Any, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "records")

    def __or__(self, other: Changes) -> Changes:
        flags = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        flags["records"] = self.records + other.records
        return Changes(**flags)

    @property
    def figures(self) -> bool:
        """Whether the day's figures (status-bar glance, daily report) may have moved."""
        moved = (self.screenings, self.purchases, self.followups, self.reports, self.purged)
        return any(moved) or self.observations


NOTHING = Changes()


def changes_of(result: object) -> Changes:
    """What an operation's result says it changed; ``NOTHING`` for a read or an unknown result.

    Results are recognised by their kind: a stored screening or purchase, a pharmacy save (which may
    have stopped at a repeat), a report generation (which may have found nothing new), a follow-up
    result.  An operation whose result is none of these passes its ``Changes``
    explicitly to ``Station.perform``.
    """
    from fever_desk.model import Screening
    from fever_desk.pharmacy import Purchase
    from fever_desk.reporting import Followup

    if isinstance(result, Changes):
        return result
    if isinstance(result, Screening):
        return Changes(screenings=True, records=(result,))
    if isinstance(result, Purchase):
        return Changes(purchases=True, records=(result,))
    if isinstance(result, Followup):
        return Changes(followups=True)
    said = getattr(result, "changes", None)  # results that carry their own (pharmacy save, report)
    if isinstance(said, Changes):
        return said
    return NOTHING
