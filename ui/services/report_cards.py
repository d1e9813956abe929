"""Report-card operations (传染病报告卡): created with a suspected screening, completed by the doctor,
marked reported, corrected; and the open cards with their 2-hour clock.  Qt-free; the desk
(``ui/desk/report_cards``) and the command line (``ui/cli/card.py``) call these.

Each write and its audit entry commit in one unit of work (``ctx.unit_of_work()``); the audit detail never
carries a name, ID number or phone (the card id says which card).  Times are passed in (``now``) so the
clock and the tests inject them; the desk passes ``datetime.now().astimezone()``.

A suspected screening saved while a shared server is out of reach (kept in the counter's outbox) cannot
get its card in that transaction; :func:`catch_up_cards` makes the missing cards once it has arrived
(``fever-desk card list`` runs it; the desk should before reading the open cards), each dated from the
screening's own time so its clock is not restarted.

Who: completing, marking and correcting need ``Permission.REPORT_CARD`` (doctor, administrator) for the
logged-in account (``ctx.actor``); reading the open cards needs nothing more than a login.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from db.offline.link import unit_of
from fever_desk.audit import AuditAction
from fever_desk.model import Disposition, Screening
from fever_desk.problems import Problem
from fever_desk.report_card import may_complete
from fever_desk.report_card.card import (
    CardFieldProblem,
    ReportCard,
    card_problems,
    correction_of,
    field_problem,
    from_screening,
)
from fever_desk.report_card.clock import ClockReading, read_clock
from fever_desk.report_card.fields import CaseClass, suggest_belongs
from ui.services.audit_hooks import audit
from ui.services.changes import Changes
from ui.services.context import DeskContext

KIND = "report_card"


@dataclass(frozen=True)
class CardStation:
    """What a card takes from the station's settings: the reporting unit, its phone, its area code."""

    institution: str = ""
    phone: str = ""
    area_code: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> CardStation:
        return cls(
            getattr(settings, "institution", "") or getattr(settings, "station_name", ""),
            getattr(settings, "hotline", ""),
            getattr(settings, "area_code", ""),
        )


@dataclass(frozen=True)
class CardSaved:
    """A card as stored by an operation; ``changes`` tells the screens to refresh the cards."""

    card: ReportCard

    @property
    def changes(self) -> Changes:
        return Changes(report_cards=True, records=(self.card,))


@dataclass(frozen=True)
class OpenCard:
    """A card not yet marked reported, and where its clock stands at the ``now`` it was read."""

    card: ReportCard
    clock: ClockReading


class CardNotAllowed(Problem, PermissionError):
    template = "Only a doctor or an administrator completes report cards and marks them reported."


class CardNotFound(Problem, LookupError):
    template = "No report card {card}."


class CardIncomplete(Problem, ValueError):
    """The card lacks required fields; ``problems`` names each (``CardFieldProblem.field``)."""

    template = "The report card is incomplete: {fields}."

    def __init__(self, problems: list[CardFieldProblem]) -> None:
        super().__init__(fields="; ".join(str(p) for p in problems))
        self.problems = problems

    def localized_values(self, language: str) -> dict[str, Any]:
        return {"fields": "; ".join(p.localized(language) for p in self.problems)}


class CardAlreadyReported(Problem, ValueError):
    template = "Report card {number} was already marked reported; correct it with a correction card."


def _require_card_role(ctx: DeskContext) -> None:
    account = ctx.accounts.get(ctx.actor.operator) if ctx.actor.operator else None
    if account is None or account.disabled or not may_complete(account.role):
        raise CardNotAllowed()


def _get(ctx: DeskContext, card_id: uuid.UUID, session: Any = None) -> ReportCard:
    card = ctx.report_cards.get(card_id, session=session)
    if card is None:
        raise CardNotFound(card=str(card_id))
    return card


# ---- creation ---------------------------------------------------------------------------------------------
def create_for_screening(
    ctx: DeskContext, screening: Screening, *, session: Any, now: datetime
) -> ReportCard | None:
    """Inside the screening's own unit of work: when its outcome is ``suspected`` and it has no card yet,
    store the card filled from it (diagnosed at ``now``) with its "create" entry; else None.

    Called by ``ui.services.screening`` on a save and on a correction, so a screening corrected to
    suspected gets its card in the same transaction as the correction."""
    if screening.outcome is None or screening.outcome.disposition is not Disposition.SUSPECTED:
        return None
    unit = unit_of(session)
    if unit is not None and unit.lost:  # a save kept in the outbox: no card yet (see the module docstring)
        return None
    if ctx.report_cards.for_screening(screening.id, session=session):
        return None
    card = replace(from_screening(screening, now), created_by=ctx.actor.operator or screening.operator)
    stored = ctx.report_cards.add(card, now=now, session=session)
    audit(ctx, AuditAction.CREATE, KIND, str(stored.id), f"screening={screening.id}", session=session)
    return stored


def create_card(ctx: DeskContext, card: ReportCard, *, now: datetime) -> CardSaved:
    """A card made by hand (a case found elsewhere than at this desk), with its "create" entry."""
    with ctx.unit_of_work() as session:
        stored = ctx.report_cards.add(replace(card, created_by=ctx.actor.operator), now=now, session=session)
        audit(ctx, AuditAction.CREATE, KIND, str(stored.id), "by hand", session=session)
    return CardSaved(stored)


# ---- the doctor's part --------------------------------------------------------------------------------
def suggested_belongs(card: ReportCard, station: CardStation) -> ReportCard:
    """The card with 病人属于 suggested from the station's and the address's area codes, when it has none."""
    if card.belongs is not None:
        return card
    return replace(card, belongs=suggest_belongs(station.area_code, card.address.area_code))


def complete_card(ctx: DeskContext, filled: ReportCard, *, now: datetime, station: CardStation) -> CardSaved:
    """Store the doctor's completed card (``filled``: the stored card with the doctor's fields) and its
    "complete" entry.  Refused with :class:`CardIncomplete` naming every missing field, with
    :class:`CardNotAllowed` for a role other than doctor/administrator, and once the card is reported.
    The reporting unit and doctor default to the station's and the actor's."""
    _require_card_role(ctx)
    card = replace(
        filled,
        reporting_unit=filled.reporting_unit or station.institution,
        unit_phone=filled.unit_phone or station.phone,
        doctor=filled.doctor or ctx.actor.operator,
        filled_on=filled.filled_on or now.date(),
    )
    problems = card_problems(card)
    if problems:
        raise CardIncomplete(problems)
    with ctx.unit_of_work() as session:
        stored = _get(ctx, card.id, session)
        if stored.reported:
            raise CardAlreadyReported(number=stored.number)
        done = replace(
            card,
            number=stored.number,
            kind=stored.kind,
            corrects=stored.corrects,
            screening_id=stored.screening_id,
            created_at=stored.created_at,
            created_by=stored.created_by,
            completed_at=now,
            completed_by=ctx.actor.operator,
        )
        ctx.report_cards.update(done, session=session)
        audit(ctx, AuditAction.CARD_COMPLETE, KIND, str(done.id), done.case_class.value, session=session)
    return CardSaved(done)


def mark_reported(
    ctx: DeskContext,
    card_id: uuid.UUID,
    national_number: str,
    *,
    now: datetime,
    reported_at: datetime | None = None,
) -> CardSaved:
    """Record that the card was entered in the national system: who (the actor), when (``reported_at``,
    default ``now``) and the number it gave.  Only a completed card that is not yet marked."""
    _require_card_role(ctx)
    number = national_number.strip()
    if not number:
        raise field_problem("national_number")
    with ctx.unit_of_work() as session:
        card = _get(ctx, card_id, session)
        if card.reported:
            raise CardAlreadyReported(number=card.number)
        problems = card_problems(card) if not card.completed else []
        if not card.completed:
            raise CardIncomplete(problems or [field_problem("doctor")])
        marked = replace(
            card, reported_at=reported_at or now, reported_by=ctx.actor.operator, national_number=number
        )
        ctx.report_cards.update(marked, session=session)
        audit(ctx, AuditAction.CARD_REPORTED, KIND, str(card.id), "", session=session)
    return CardSaved(marked)


def correct_card(
    ctx: DeskContext, card_id: uuid.UUID, case_class: CaseClass, *, now: datetime, remarks: str = ""
) -> CardSaved:
    """订正报告: a new card with the new classification (疑似 → 确诊, or 排除 with its reason in
    ``remarks``), linked to the first card, its clock from ``now``; the earlier cards are not touched.
    The correction is stored completed by the actor when its fields are all there, else as a draft."""
    _require_card_role(ctx)
    with ctx.unit_of_work() as session:
        latest = ctx.report_cards.latest_of(card_id, session=session)
        if latest is None:
            raise CardNotFound(card=str(card_id))
        draft = replace(
            correction_of(latest, case_class, now, remarks), doctor=ctx.actor.operator, filled_on=now.date()
        )
        if not card_problems(draft):
            draft = replace(draft, completed_at=now, completed_by=ctx.actor.operator)
        stored = ctx.report_cards.add(replace(draft, created_by=ctx.actor.operator), now=now, session=session)
        detail = f"corrects={latest.id} {case_class.value}"
        audit(ctx, AuditAction.CORRECT, KIND, str(stored.id), detail, session=session)
    return CardSaved(stored)


def catch_up_cards(ctx: DeskContext, now: datetime, days: int = 14) -> list[ReportCard]:
    """Cards for the suspected screenings of the last ``days`` that have none (saved while a shared
    server was away), each made in its own unit of work with its "create" entry, diagnosed at the
    screening's time."""
    from datetime import timedelta

    made: list[ReportCard] = []
    for screening_id in ctx.report_cards.suspected_without_card(now - timedelta(days=days)):
        with ctx.unit_of_work() as session:
            screening = ctx.screenings.get(screening_id, session=session)
            if screening is None:
                continue
            stamp = screening.created_at or now
            card = create_for_screening(ctx, screening, session=session, now=stamp)
        if card is not None:
            made.append(card)
    return made


# ---- reading ------------------------------------------------------------------------------------------
def open_cards(ctx: DeskContext, now: datetime) -> list[OpenCard]:
    """Every card not yet marked reported, oldest diagnosis first, each with its clock at ``now``."""
    return [OpenCard(card, read_clock(card, now)) for card in ctx.report_cards.open_cards()]


def get_card(ctx: DeskContext, card_id: uuid.UUID) -> ReportCard:
    return _get(ctx, card_id)


def find_card(ctx: DeskContext, number_or_id: str) -> ReportCard:
    """A card by its card number (``430102-20261201-0003``) or its id, as the command line is given it."""
    card = ctx.report_cards.by_number(number_or_id.strip())
    if card is None:
        try:
            card = ctx.report_cards.get(uuid.UUID(number_or_id.strip()))
        except ValueError:
            card = None
    if card is None:
        raise CardNotFound(card=number_or_id)
    return card


def chain_of(ctx: DeskContext, card_id: uuid.UUID) -> list[ReportCard]:
    """The first card and its corrections, oldest first."""
    return ctx.report_cards.chain(card_id)


def cards_of_day(ctx: DeskContext, day: date) -> list[ReportCard]:
    """The cards diagnosed on ``day`` (the station's local day), in diagnosis order."""
    from ui.services.screening import local_day_bounds

    return ctx.report_cards.between(*local_day_bounds(day))


# ---- output -------------------------------------------------------------------------------------------
def save_card_pdf(
    ctx: DeskContext, card_id: uuid.UUID, out: Path, *, font_path: str | None = None
) -> ReportCard:
    """The card as an A4 PDF at ``out`` (to enter online or fax), with its "export" entry in one unit of
    work; a failed entry removes the file again (``removed_on_failure``)."""
    from fever_desk.report_card.output import write_card_pdf
    from ui.services.screening import removed_on_failure

    with removed_on_failure(out), ctx.unit_of_work() as session:
        card = _get(ctx, card_id, session)
        write_card_pdf(out, card, font_path=font_path)
        audit(ctx, AuditAction.EXPORT, KIND, str(card.id), "pdf", session=session)
    return card


def export_day(ctx: DeskContext, day: date, out: Path) -> list[ReportCard]:
    """The cards diagnosed on ``day`` as XLSX at ``out``, with one "export" entry for the day."""
    from fever_desk.report_card.output import write_cards_xlsx
    from ui.services.screening import local_day_bounds, removed_on_failure

    with removed_on_failure(out), ctx.unit_of_work() as session:
        cards = ctx.report_cards.between(*local_day_bounds(day), session=session)
        write_cards_xlsx(out, cards, title=f"传染病报告卡 {day:%Y-%m-%d}")
        audit(ctx, AuditAction.EXPORT, KIND, "", f"xlsx day={day} cards={len(cards)}", session=session)
    return cards
