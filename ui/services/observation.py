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
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db.offline.link import was_queued
from fever_desk.accounts import Role
from fever_desk.audit import AuditAction
from fever_desk.identity import age_on
from fever_desk.model import Person
from fever_desk.observation import rules
from fever_desk.observation.model import (
    Cell,
    CellEntry,
    Observation,
    Registration,
    Source,
    Status,
)
from fever_desk.privacy import Permission, Permissions
from fever_desk.problems import Problem
from fever_desk.triage import DEFAULT_FEVER_RULE, FeverRule
from ui.services.audit_hooks import audit
from ui.services.observation_results import (
    CellSaved,
    ImportDone,
    ObservationExport,
    ObservationFile,
    ObservationSaved,
    Referred,
    StatusChanged,
    WorkItem,
    Worklist,
)

# The reads live in ui.services.observation_worklist; the desk names them from here.
from ui.services.observation_worklist import list_register, load_file, worklist
from ui.services.screening import operator_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.observation.repository import SqlObservationRepository
    from ui.services.context import DeskContext

__all__ = [  # the results live in ui.services.observation_results; the desk may import them from here
    "CellSaved",
    "ImportDone",
    "ObservationExport",
    "ObservationFile",
    "ObservationProblem",
    "ObservationSaved",
    "Referred",
    "StatusChanged",
    "WorkItem",
    "Worklist",
    "list_register",
    "load_file",
    "worklist",
]

KIND = "observation"  # the audit entries' record kind


class ObservationProblem(Problem):
    """A refused operation on the register, said in the user's language (``localized()``)."""


def observations(ctx: DeskContext) -> SqlObservationRepository:
    """The register's repository on this context (made on first use, kept on the context)."""
    found = getattr(ctx, "observations", None)
    if found is None:
        from db.observation.repository import SqlObservationRepository

        found = SqlObservationRepository(ctx.handle.session_factory)
        ctx.observations = found  # type: ignore[attr-defined]
    return found


def _require(role: Role | str | None, permission: Permission) -> None:
    """The operator's role must allow it; ``None``: a caller without a desk login (the command line)."""
    if role is not None:
        Permissions.for_role(role).require(permission)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()


# ---- registering -----------------------------------------------------------------------------------------
def _register(
    ctx: DeskContext,
    person: Person,
    registration: Registration,
    source: Source,
    source_id: str,
    role: Role | str | None,
    now: datetime | None = None,
    observation_id: uuid.UUID | None = None,
) -> ObservationSaved:
    _require(role, Permission.OBSERVE)
    moment = _now(now)
    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        existing = repo.active_for(id_number=person.id_number, source_id=source_id, session=session)
        if existing is not None:
            return ObservationSaved(existing, existing=True)
        observation = Observation(
            person=person,
            registration=registration,
            registered_at=moment,
            source=source,
            source_id=source_id,
            station_id=ctx.actor.station_id,
            operator=operator_of(ctx),
        )
        if observation_id is not None:
            observation.id = observation_id
        saved = repo.add(observation, session=session)
        detail = f"register source={source.value} kind={registration.exposure.kind.value}"
        audit(ctx, AuditAction.CREATE, KIND, str(saved.id), detail, session=session)
    return ObservationSaved(saved, queued=was_queued(session))


def register_from_screening(
    ctx: DeskContext,
    screening_id: uuid.UUID,
    registration: Registration,
    *,
    role: Role | str | None = None,
    now: datetime | None = None,
) -> ObservationSaved:
    """Put the person of a saved screening under observation, taking over name, sex, age, ID, phone and
    address.  Registering the same screening (or the same ID number) again returns the first registration."""
    screening = ctx.screenings.get(screening_id)
    if screening is None:
        raise ObservationProblem("No such screening: it may have been deleted.")
    person = replace(screening.person)
    return _register(ctx, person, registration, Source.SCREENING, str(screening_id), role, now)


def register_from_purchase(
    ctx: DeskContext,
    purchase_id: uuid.UUID,
    registration: Registration,
    *,
    role: Role | str | None = None,
    now: datetime | None = None,
) -> ObservationSaved:
    """Put a pharmacy purchaser under observation, taking over name, sex, birth date (and age), ID,
    phone and address (with the community)."""
    purchase = ctx.purchases.get(purchase_id)
    if purchase is None:
        raise ObservationProblem("No such purchase: it may have been deleted.")
    buyer = purchase.purchaser
    today = _now(now).date()
    person = Person(
        name=buyer.name,
        sex=buyer.sex,
        age=age_on(buyer.birth_date, today) if buyer.birth_date else None,
        birth_date=buyer.birth_date,
        id_number=buyer.id_number,
        phone=buyer.phone,
        address=" ".join(part for part in (buyer.address, buyer.community) if part),
    )
    return _register(ctx, person, registration, Source.PURCHASE, str(purchase_id), role, now)


def register_by_hand(
    ctx: DeskContext,
    person: Person,
    registration: Registration,
    *,
    role: Role | str | None = None,
    now: datetime | None = None,
    observation_id: uuid.UUID | None = None,
) -> ObservationSaved:
    """Register someone typed in by hand (the screen has checked the fields with
    ``fever_desk.validation``).  A person with the same ID number already under observation is returned
    instead of registered twice.  ``observation_id`` is the id the dialog chose beforehand, so that an ID
    card read into it (logged under that id before the save) and the saved observation are found together."""
    return _register(ctx, person, registration, Source.HAND, "", role, now, observation_id)


# ---- the grid --------------------------------------------------------------------------------------------
def _active(ctx: DeskContext, observation_id: uuid.UUID, session: Session) -> Observation:
    found = observations(ctx).get(observation_id, session=session)
    if found is None:
        raise ObservationProblem("No such person on the observation register.")
    if found.status is not Status.ACTIVE:
        raise ObservationProblem("This person is no longer under observation.")
    return found


def _write_cell(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    entry: CellEntry,
    reason: str | None,
    now: datetime | None,
    role: Role | str | None,
    fever_rule: FeverRule,
) -> CellSaved:
    _require(role, Permission.OBSERVE)
    moment = _now(now)
    if reason is not None and not reason.strip():
        raise ObservationProblem("A correction needs a reason.")
    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        observation = _active(ctx, observation_id, session)
        problem = rules.can_record(
            observation.exposure.last_date, entry.day, entry.slot, rules.local_slot(moment)
        )
        if problem:
            raise ObservationProblem(problem)
        version = repo.cell_version(observation_id, entry.day, str(entry.slot), session=session)
        if reason is None and version:
            raise ObservationProblem("That half-day is already filled; correct it instead.")
        if reason is not None and not version:
            raise ObservationProblem("That half-day is empty: there is nothing to correct.")
        celsius = entry.temperature.celsius if entry.temperature else None
        cell = Cell(
            observation_id=observation_id,
            entry=entry,
            recorded_by=operator_of(ctx),
            recorded_at=moment,
            version=version + 1,
            fever=fever_rule.is_fever(celsius),
            reason=(reason or "").strip(),
        )
        repo.add_cell(cell, session=session)
        detail = (
            f"cell day={rules.day_number(observation.exposure.last_date, entry.day)} slot={entry.slot.value}"
        )
        action = AuditAction.CORRECT if reason is not None else AuditAction.CREATE
        audit(ctx, action, KIND, str(observation_id), f"{detail} v{cell.version}", session=session)
    # The person's details are as read at the start of the unit; a half-day changes only the grid.
    changed = replace(observation, version=observation.version + 1)
    return CellSaved(cell, changed, cell.alert, queued=was_queued(session))


def record_cell(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    entry: CellEntry,
    *,
    now: datetime | None = None,
    role: Role | str | None = None,
    fever_rule: FeverRule = DEFAULT_FEVER_RULE,
) -> CellSaved:
    """Write one half-day (temperature with its source, symptom answers), stamped with the operator and
    the time.  Refused (:class:`ObservationProblem`) outside days 1–14, for a half-day not begun, for a
    person no longer under observation, and for a cell already filled (use :func:`correct_cell`)."""
    return _write_cell(ctx, observation_id, entry, None, now, role, fever_rule)


def correct_cell(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    entry: CellEntry,
    reason: str,
    *,
    now: datetime | None = None,
    role: Role | str | None = None,
    fever_rule: FeverRule = DEFAULT_FEVER_RULE,
) -> CellSaved:
    """Replace a filled half-day; the earlier value stays in the cell's history with who and when, and
    the correction carries its ``reason``."""
    return _write_cell(ctx, observation_id, entry, reason, now, role, fever_rule)


def refer(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    guideline_id: str = "",
    *,
    where: str = "",
    now: datetime | None = None,
    role: Role | str | None = None,
    fever_rule: FeverRule = DEFAULT_FEVER_RULE,
) -> Referred:
    """A fever or symptom: the observation becomes ``REFERRED`` and a screening is stored from the newest
    alerting cell (fever clinic at least), in one unit of work with both audit entries.  The slip is then
    issued from that screening like any other (``ui.services.slips``).  Referring twice returns the first
    referral."""
    from fever_desk.guidelines import get_guideline
    from fever_desk.observation.referral import referral_id, screening_from_cell
    from fever_desk.settings import DEFAULT_GUIDELINE

    _require(role, Permission.OBSERVE)
    guideline = get_guideline(guideline_id or DEFAULT_GUIDELINE)
    moment = _now(now)
    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        observation = repo.get(observation_id, session=session)
        if observation is None:
            raise ObservationProblem("No such person on the observation register.")
        stored = ctx.screenings.get(referral_id(observation_id), session=session)
        if observation.status is Status.REFERRED and stored is not None:
            return Referred(observation, stored)
        if observation.status is not Status.ACTIVE:
            raise ObservationProblem("This person is no longer under observation.")
        alerting = [c for c in repo.current_cells(observation_id, session=session) if c.alert]
        if not alerting:
            raise ObservationProblem("No fever or symptom has been recorded: there is nothing to refer.")
        newest = max(alerting, key=lambda c: rules.half_day(c.entry.day, c.entry.slot))
        screening = screening_from_cell(observation, newest, guideline, fever_rule)
        screening = replace(screening, operator=operator_of(ctx, screening.operator), created_at=moment)
        saved = ctx.screenings.add(screening, session=session)
        made = f"referral {KIND}={observation_id}"
        audit(ctx, AuditAction.CREATE, "screening", str(saved.id), made, session=session)
        referred = repo.set_status(
            observation_id,
            Status.REFERRED,
            rules.local_slot(moment)[0],
            where,
            operator_of(ctx),
            at=moment,
            session=session,
        )
        sent = f"referred screening={saved.id}"
        audit(ctx, AuditAction.CREATE, KIND, str(observation_id), sent, session=session)
    return Referred(referred, saved, queued=was_queued(session))


# ---- outcomes --------------------------------------------------------------------------------------------
def release(
    ctx: DeskContext, observation_id: uuid.UUID, *, role: Role | str, now: datetime | None = None
) -> StatusChanged:
    """解除医学观察: allowed on or after day 15 with no fever or symptom pending, for a doctor or an
    administrator (the one confirmation is the screen's)."""
    _require(role, Permission.RELEASE_OBSERVATION)
    moment = _now(now)
    today = rules.local_slot(moment)[0]
    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        observation = _active(ctx, observation_id, session)
        if not rules.can_release(observation.exposure.last_date, today):
            raise ObservationProblem(
                "Release is planned for {day}: the 14 days are not over.",
                day=rules.planned_release(observation.exposure.last_date).isoformat(),
            )
        if any(c.alert for c in repo.current_cells(observation_id, session=session)):
            raise ObservationProblem(
                "A fever or symptom was recorded: refer the person instead of releasing."
            )
        released = repo.set_status(
            observation_id, Status.RELEASED, today, "", operator_of(ctx), at=moment, session=session
        )
        audit(ctx, AuditAction.RELEASE, KIND, str(observation_id), f"on={today}", session=session)
    return StatusChanged(released, queued=was_queued(session))


def mark_lost(
    ctx: DeskContext,
    observation_id: uuid.UUID,
    reason: str,
    *,
    role: Role | str,
    now: datetime | None = None,
) -> StatusChanged:
    """失访: the person can no longer be followed; ``reason`` is required.  Doctor or administrator.
    The reason is kept on the record, not in the audit trail (it may name people)."""
    _require(role, Permission.RELEASE_OBSERVATION)
    if not reason.strip():
        raise ObservationProblem("Say why the person is lost to follow-up.")
    moment = _now(now)
    today = rules.local_slot(moment)[0]
    with ctx.unit_of_work() as session:
        _active(ctx, observation_id, session)
        lost = observations(ctx).set_status(
            observation_id, Status.LOST, today, reason.strip(), operator_of(ctx), at=moment, session=session
        )
        audit(ctx, AuditAction.LOST, KIND, str(observation_id), f"on={today}", session=session)
    return StatusChanged(lost, queued=was_queued(session))


# ---- files -----------------------------------------------------------------------------------------------
def import_list(
    ctx: DeskContext, path: Path, *, today: date | None = None, now: datetime | None = None
) -> ImportDone:
    """The grid workers' list (XLSX or CSV with the Chinese headers of
    ``fever_desk.observation.importing.HEADERS``): every row checked, and either every row registered in
    one transaction or none (the report names each refused row and why)."""
    from ui.services.observation_files import import_list as run

    return run(ctx, path, today=today, now=now)


def export_register(
    ctx: DeskContext, path: Path, *, status: Status | None = None, font_path: str = "", zipped: bool = False
) -> ObservationExport:
    """The register as .xlsx or .pdf (0600, marked as personal information), logged as an export."""
    from ui.services.observation_files import export_register as run

    return run(ctx, path, status=status, font_path=font_path, zipped=zipped)


def export_grid(
    ctx: DeskContext, observation_id: uuid.UUID, path: Path, *, font_path: str = "", zipped: bool = False
) -> ObservationExport:
    """One person's 14-day grid as .pdf (one A4 page, Chinese headers) or .xlsx, logged as an export."""
    from ui.services.observation_files import export_grid as run

    return run(ctx, observation_id, path, font_path=font_path, zipped=zipped)
