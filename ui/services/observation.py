"""The observation register's operations (Qt-free): what the desk's observation screens and the
``fever-desk observation`` command hand to the database worker.

Each writing operation is one unit of work holding its write(s) and its audit entry (``ctx.unit_of_work()``,
``ui.services.audit_hooks.audit(..., session=...)``); its result says what it changed
(``ui.services.changes.Changes(observations=True)``).  Personal data never goes into an audit detail.

Roles: registering and recording a half-day need :data:`fever_desk.privacy.Permission.OBSERVE` (nurse,
pharmacist, doctor, administrator); releasing and marking lost need ``RELEASE_OBSERVATION`` (doctor,
administrator).  The caller says the role of the person at the desk (``role=``); the command line acts as
the administrator of the machine, as it does for every other command.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fever_desk.accounts import Role
from fever_desk.model import Person, Screening
from fever_desk.observation.model import Cell, CellEntry, Observation, Registration, Slot, Status
from fever_desk.observation.rules import DEFAULT_LOST_AFTER_DAYS
from ui.services.changes import Changes

if TYPE_CHECKING:
    from fever_desk.export_files import ExportedFile
    from fever_desk.observation.importing import ImportReport
    from ui.services.context import DeskContext


# ---- results ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObservationSaved:
    """A registration as stored.  ``existing``: the person (same ID number, or same screening/purchase)
    was already under observation, so nothing new was written and that observation is returned."""

    observation: Observation
    existing: bool = False

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

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, records=(self.observation,))


@dataclass(frozen=True)
class Referred:
    """A referral: the observation now ``REFERRED`` and the screening it made, whose slip the desk prints
    through the same path as any screening (``ui.services.slips.issue_and_archive`` / ``record``)."""

    observation: Observation
    screening: Screening

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, screenings=True, records=(self.observation, self.screening))


@dataclass(frozen=True)
class StatusChanged:
    """A release or a loss to follow-up."""

    observation: Observation

    @property
    def changes(self) -> Changes:
        return Changes(observations=True, records=(self.observation,))


@dataclass(frozen=True)
class WorkItem:
    """One line of today's worklist (masking is the screen's: it has the operator's permissions)."""

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
    """Today's worklist at ``now``: each section holds at most ``limit`` rows (newest exposure last), its
    full size is in ``counts``.  A person may be in several sections (due this afternoon and overdue)."""

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


# ---- registering -----------------------------------------------------------------------------------------
def register_from_screening(
    ctx: DeskContext, screening_id: uuid.UUID, registration: Registration, *, role: Role | str | None = None
) -> ObservationSaved:
    """Put the person of a saved screening under observation, taking over name, sex, age, ID, phone and
    address.  Registering the same screening again returns the first registration."""
    raise NotImplementedError


def register_from_purchase(
    ctx: DeskContext, purchase_id: uuid.UUID, registration: Registration, *, role: Role | str | None = None
) -> ObservationSaved:
    """Put a pharmacy purchaser under observation, taking over name, sex, birth date, ID, phone and
    address (with the community)."""
    raise NotImplementedError


def register_by_hand(
    ctx: DeskContext, person: Person, registration: Registration, *, role: Role | str | None = None
) -> ObservationSaved:
    """Register someone typed in by hand (the screen has checked the fields with
    ``fever_desk.validation``).  A person with the same ID number already under observation is returned
    instead of registered twice."""
    raise NotImplementedError


# ---- the grid --------------------------------------------------------------------------------------------
def record_cell(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    entry: CellEntry,
    *,
    now: datetime | None = None,
    role: Role | str | None = None,
) -> CellSaved:
    """Write one half-day (temperature with its source, symptom answers), stamped with the operator and
    the time.  Refused (``ObservationProblem``) outside days 1–14, for a half-day not begun, for a
    person no longer under observation, and for a cell already filled (use :func:`correct_cell`)."""
    raise NotImplementedError


def correct_cell(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    entry: CellEntry,
    reason: str,
    *,
    now: datetime | None = None,
    role: Role | str | None = None,
) -> CellSaved:
    """Replace a filled half-day; the earlier value stays in the cell's history with who and when, and
    the correction carries its ``reason``."""
    raise NotImplementedError


def refer(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    guideline_id: str = "",
    *,
    where: str = "",
    now: datetime | None = None,
) -> Referred:
    """A fever or symptom: the observation becomes ``REFERRED`` and a screening is stored from the newest
    alerting cell (fever clinic at least), in one unit of work with both audit entries.  The slip is then
    issued from that screening like any other.  Referring twice returns the first referral."""
    raise NotImplementedError


# ---- outcomes --------------------------------------------------------------------------------------------
def release(
    ctx: DeskContext, observation_id: uuid.UUID, *, role: Role | str, now: datetime | None = None
) -> StatusChanged:
    """解除医学观察: allowed on or after day 15 with no fever or symptom pending, for a doctor or an
    administrator (the one confirmation is the screen's)."""
    raise NotImplementedError


def mark_lost(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    reason: str,
    *,
    role: Role | str,
    now: datetime | None = None,
) -> StatusChanged:
    """失访: the person can no longer be followed; ``reason`` is required.  Doctor or administrator."""
    raise NotImplementedError


# ---- reading ---------------------------------------------------------------------------------------------
def worklist(
    ctx: DeskContext,
    day: date,
    now: datetime,
    *,
    lost_after_days: int = DEFAULT_LOST_AFTER_DAYS,
    limit: int = 200,
) -> Worklist:
    """Today's worklist: due this morning / afternoon, overdue (a missed half-day), fever or symptom not
    yet referred, releasable today, proposed as lost (``lost_after_days`` days without a reading)."""
    raise NotImplementedError


def load_file(ctx: DeskContext, observation_id: uuid.UUID) -> ObservationFile:
    """One person's entry, grid and correction history."""
    raise NotImplementedError


def list_register(
    ctx: DeskContext, *, status: Status | None = None, search: str = "", limit: int = 500
) -> list[Observation]:
    """The register, newest registration first; ``search`` reads like every search box
    (``fever_desk.search``: ID prefix, phone start/end, name start)."""
    raise NotImplementedError


# ---- files -----------------------------------------------------------------------------------------------
def import_list(ctx: DeskContext, path: Path, *, today: date | None = None) -> ImportDone:
    """The grid workers' list (XLSX or CSV with the Chinese headers of
    ``fever_desk.observation.importing.HEADERS``): every row checked, and either every row registered in
    one transaction or none (the report names each refused row and why)."""
    raise NotImplementedError


def export_register(
    ctx: DeskContext, path: Path, *, status: Status | None = None, font_path: str = "", zipped: bool = False
) -> ObservationExport:
    """The register as .xlsx or .pdf (0600, marked as personal information), logged as an export."""
    raise NotImplementedError


def export_grid(
    ctx: DeskContext, observation_id: uuid.UUID, path: Path, *, font_path: str = "", zipped: bool = False
) -> ObservationExport:
    """One person's 14-day grid as .pdf (one A4 page, Chinese headers) or .xlsx, logged as an export."""
    raise NotImplementedError


def _unused(*_: Any) -> None:  # keeps imports used until the bodies land
    return None
