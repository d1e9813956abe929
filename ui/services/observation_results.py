"""What the observation register's operations return (``ui.services.observation``): plain values, each
saying what it changed (``ui.services.changes``), so the desk's screens refresh themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from fever_desk.model import Screening
from fever_desk.observation.model import Cell, Observation, Slot
from fever_desk.observation.rules import DEFAULT_LOST_AFTER_DAYS
from ui.services.changes import Changes

if TYPE_CHECKING:
    from fever_desk.export_files import ExportedFile
    from fever_desk.observation.importing import ImportReport


# ---- results ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObservationSaved:
    """A registration as stored.  ``existing``: the person (same ID number, or same screening/purchase)
    was already under observation, so nothing new was written and that observation is returned."""

    observation: Observation
    existing: bool = False
    #: the clinic server was out of reach: kept in this counter's outbox with its audit entry, sent when
    #: it is back (``db.offline.observations``); the desk says "saved on this counter".
    queued: bool = False

    @property
    def changes(self) -> Changes:
        return Changes(observations=not self.existing, records=(self.observation,))


@dataclass(frozen=True)
class CellSaved:
    """A half-day written (or corrected).  ``alert``: a fever or a symptom — the screen proposes
    :func:`refer` at once."""

    cell: Cell
    observation: Observation
    alert: bool
    #: the clinic server was out of reach: kept in this counter's outbox with its audit entry, sent when
    #: it is back (``db.offline.observations``); the desk says "saved on this counter".
    queued: bool = False

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, records=(self.observation,))


@dataclass(frozen=True)
class Referred:
    """A referral: the observation now ``REFERRED`` and the screening it made, whose slip the desk prints
    through the same path as any screening (``ui.services.slips.issue_and_archive`` / ``record``)."""

    observation: Observation
    screening: Screening
    #: the clinic server was out of reach: kept in this counter's outbox with its audit entry, sent when
    #: it is back (``db.offline.observations``); the desk says "saved on this counter".
    queued: bool = False

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, screenings=True, records=(self.observation, self.screening))


@dataclass(frozen=True)
class StatusChanged:
    """A release or a loss to follow-up."""

    observation: Observation
    #: the clinic server was out of reach: kept in this counter's outbox with its audit entry, sent when
    #: it is back (``db.offline.observations``); the desk says "saved on this counter".
    queued: bool = False

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, records=(self.observation,))


@dataclass(slots=True)
class WorkItem:
    """One line of today's worklist (masking is the screen's: it has the operator's permissions).  Not
    frozen: a worklist builds hundreds of these per call, and a frozen dataclass's init costs twice as
    much; nobody changes them."""

    id: uuid.UUID
    name: str
    phone: str
    id_number: str
    kind: str
    day_number: int  # 1 … 14 (15 and more: due for release)
    planned_release: date
    missed: int  # half-days missed in a row up to now
    last_temperature: float | None
    alert: bool
    place: str
    responsible: str


@dataclass(frozen=True)
class Worklist:
    """Today's worklist at ``now``: each section holds at most ``limit`` rows, longest without a reading
    first (releasable: earliest release first; fever: in registration order); its size is in
    ``counts`` (exact up to 10,000, see ``capped``).  A person may be in several sections (due this
    afternoon and overdue)."""

    day: date
    slot: Slot
    due_morning: list[WorkItem]
    due_afternoon: list[WorkItem]
    overdue: list[WorkItem]
    fever: list[WorkItem]
    releasable: list[WorkItem]
    lost: list[WorkItem]
    counts: dict[str, int] = field(default_factory=dict)
    lost_after_days: int = DEFAULT_LOST_AFTER_DAYS
    #: sections whose size is more than ``counts`` says (counted up to a cap: show "10,000+")
    capped: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ObservationFile:
    """One person's register entry with the current grid and every earlier version of a corrected cell."""

    observation: Observation
    cells: list[Cell]
    history: list[Cell]

    def cell(self, day: date, slot: Slot) -> Cell | None:
        for found in self.cells:
            if found.entry.day == day and found.entry.slot is slot:
                return found
        return None


@dataclass(frozen=True)
class ImportDone:
    """The grid workers' list: ``imported`` rows written (0 when any row was refused: all or nothing), and
    the ``report`` of refused rows with reasons in the user's language."""

    imported: int
    report: ImportReport

    @property
    def changes(self) -> Changes:
        return Changes(observations=self.imported > 0)


@dataclass(frozen=True)
class ObservationExport:
    rows: int
    file: ExportedFile
