"""``SqlReportCardRepository``: report cards in SQL.  Every method takes the caller's ``session`` (its unit of
work) or, without one, runs its own short transaction (``db.transactions.joined``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import to_utc
from db.report_cards.models import REPORT_CARD
from db.transactions import joined
from fever_desk.model import Sex
from fever_desk.report_card.card import ReportCard, card_number
from fever_desk.report_card.fields import Address, Age, AgeUnit, Belongs, CardKind, CaseClass

_ADDRESS_KEYS = ("province", "city", "county", "township", "village", "house", "area_code")
C = REPORT_CARD.c
NUMBER_TRIES = 5  # another counter took the number: read the day's highest again


def to_row(card: ReportCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "number": card.number,
        "kind": card.kind.value,
        "corrects": card.corrects,
        "screening_id": card.screening_id,
        "station_id": card.station_id,
        "created_at": card.created_at,
        "created_by": card.created_by[:64],
        "diagnosed_at": card.diagnosed_at,
        "name": card.name,
        "guardian_name": card.guardian_name,
        "id_number": card.id_number,
        "sex": card.sex.value,
        "birth_date": card.birth_date,
        "age_value": card.age.value if card.age else None,
        "age_unit": card.age.unit.value if card.age else None,
        "phone": card.phone,
        "work_unit": card.work_unit,
        "address": {key: getattr(card.address, key) for key in _ADDRESS_KEYS},
        "belongs": card.belongs.value if card.belongs else None,
        "occupation": card.occupation,
        "case_class": card.case_class.value,
        "onset_date": card.onset_date,
        "death_date": card.death_date,
        "disease": card.disease,
        "remarks": card.remarks,
        "reporting_unit": card.reporting_unit,
        "unit_phone": card.unit_phone,
        "doctor": card.doctor[:64],
        "filled_on": card.filled_on,
        "completed_at": card.completed_at,
        "completed_by": card.completed_by[:64],
        "reported_at": card.reported_at,
        "reported_by": card.reported_by[:64],
        "national_number": card.national_number,
    }


def from_row(row: Any) -> ReportCard:
    m = row._mapping if hasattr(row, "_mapping") else row
    address = m["address"] or {}
    return ReportCard(
        id=m["id"],
        number=m["number"],
        kind=CardKind(m["kind"]),
        corrects=m["corrects"],
        screening_id=m["screening_id"],
        station_id=m["station_id"],
        created_at=m["created_at"],
        created_by=m["created_by"],
        diagnosed_at=m["diagnosed_at"],
        name=m["name"],
        guardian_name=m["guardian_name"],
        id_number=m["id_number"],
        sex=Sex(m["sex"]),
        birth_date=m["birth_date"],
        age=Age(m["age_value"], AgeUnit(m["age_unit"])) if m["age_value"] is not None else None,
        phone=m["phone"],
        work_unit=m["work_unit"],
        address=Address(**{key: str(address.get(key, "")) for key in _ADDRESS_KEYS}),
        belongs=Belongs(m["belongs"]) if m["belongs"] else None,
        occupation=m["occupation"],
        case_class=CaseClass(m["case_class"]),
        onset_date=m["onset_date"],
        death_date=m["death_date"],
        disease=m["disease"],
        remarks=m["remarks"],
        reporting_unit=m["reporting_unit"],
        unit_phone=m["unit_phone"],
        doctor=m["doctor"],
        filled_on=m["filled_on"],
        completed_at=m["completed_at"],
        completed_by=m["completed_by"],
        reported_at=m["reported_at"],
        reported_by=m["reported_by"],
        national_number=m["national_number"],
    )


def _day_key(day: date) -> str:
    return card_number(day, 0)[:-4]  # "20261201-"


class SqlReportCardRepository:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def add(self, card: ReportCard, *, now: datetime, session: Session | None = None) -> ReportCard:
        """Store a new card with its number: the diagnosis day (station's local day) and one more than that
        day's highest sequence, read in this transaction.  Two counters sharing a server that number a card
        at the same moment: the second insert waits on the unique number, fails when the first commits,
        and takes the next number (a savepoint per try, so the caller's transaction goes on)."""
        day = card.diagnosed_at.astimezone().date()
        prefix = _day_key(day)
        with joined(self._sessions, session) as s:
            for attempt in range(NUMBER_TRIES):
                highest = s.execute(select(func.max(C.number)).where(C.number.like(prefix + "%"))).scalar()
                sequence = int(highest[len(prefix) :]) + 1 if highest else 1
                stored = replace(card, number=card_number(day, sequence), created_at=to_utc(now))
                try:
                    with s.begin_nested():
                        s.execute(insert(REPORT_CARD).values(to_row(stored)))
                except IntegrityError:
                    if attempt == NUMBER_TRIES - 1:
                        raise
                    continue
                return stored
        raise AssertionError("unreachable")

    def update(self, card: ReportCard, *, session: Session | None = None) -> None:
        """Write the card's fields over its draft row (completing it, marking it reported); never used for
        a correction, which is a card of its own."""
        values = to_row(card)
        for key in ("id", "number", "kind", "corrects", "screening_id", "created_at", "created_by"):
            values.pop(key)
        with joined(self._sessions, session) as s:
            s.execute(update(REPORT_CARD).where(C.id == card.id).values(values))

    def get(self, card_id: uuid.UUID, *, session: Session | None = None) -> ReportCard | None:
        with joined(self._sessions, session) as s:
            row = s.execute(select(REPORT_CARD).where(C.id == card_id)).first()
        return from_row(row) if row else None

    def by_number(self, number: str, *, session: Session | None = None) -> ReportCard | None:
        with joined(self._sessions, session) as s:
            row = s.execute(select(REPORT_CARD).where(C.number == number)).first()
        return from_row(row) if row else None

    def for_screening(self, screening_id: uuid.UUID, *, session: Session | None = None) -> list[ReportCard]:
        with joined(self._sessions, session) as s:
            rows = s.execute(select(REPORT_CARD).where(C.screening_id == screening_id)).all()
        return [from_row(row) for row in rows]

    def chain(self, card_id: uuid.UUID, *, session: Session | None = None) -> list[ReportCard]:
        """The first card of ``card_id``'s chain and every correction of it, in order of creation."""
        with joined(self._sessions, session) as s:
            first = s.execute(select(C.corrects).where(C.id == card_id)).scalar_one_or_none() or card_id
            rows = s.execute(
                select(REPORT_CARD)
                .where(or_(C.id == first, C.corrects == first))
                .order_by(C.created_at, C.number)
            ).all()
        return [from_row(row) for row in rows]

    def latest_of(self, card_id: uuid.UUID, *, session: Session | None = None) -> ReportCard | None:
        """The newest card of the chain ``card_id`` belongs to (what a new correction corrects)."""
        chain = self.chain(card_id, session=session)
        return chain[-1] if chain else None

    def suspected_without_card(self, since: datetime, *, session: Session | None = None) -> list[uuid.UUID]:
        """Ids of screenings saved since ``since`` whose outcome is suspected but which have no card (a
        save kept in a shared server's outbox while it was away, replayed without its card)."""
        from db.models import SCREENING

        query = (
            select(SCREENING.c.id)
            .where(SCREENING.c.created_at >= to_utc(since), SCREENING.c.disposition == "suspected")
            .where(~select(C.id).where(C.screening_id == SCREENING.c.id).exists())
            .order_by(SCREENING.c.created_at)
        )
        with joined(self._sessions, session) as s:
            return [row[0] for row in s.execute(query).all()]

    def open_cards(self, *, limit: int = 1000, session: Session | None = None) -> list[ReportCard]:
        """Cards not yet marked reported, oldest diagnosis first (partial index ``ix_report_card_open``)."""
        with joined(self._sessions, session) as s:
            rows = s.execute(
                select(REPORT_CARD).where(C.reported_at.is_(None)).order_by(C.diagnosed_at).limit(limit)
            ).all()
        return [from_row(row) for row in rows]

    def between(self, start: datetime, end: datetime, *, session: Session | None = None) -> list[ReportCard]:
        """Cards diagnosed in [start, end), in diagnosis order."""
        with joined(self._sessions, session) as s:
            rows = s.execute(
                select(REPORT_CARD)
                .where(C.diagnosed_at >= to_utc(start), C.diagnosed_at < to_utc(end))
                .order_by(C.diagnosed_at, C.number)
            ).all()
        return [from_row(row) for row in rows]


def card_figures(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """The daily report's card figures for the period ``(start, end]`` of diagnosis: cards by
    classification (``cards_<class>``) and ``cards_late``, those marked reported after their 2 hours."""
    from fever_desk.report_card.clock import reported_late

    rows = session.execute(
        select(C.case_class, C.diagnosed_at, C.reported_at).where(
            C.diagnosed_at > to_utc(start), C.diagnosed_at <= to_utc(end)
        )
    ).all()
    figures = {f"cards_{case.value}": 0 for case in CaseClass}
    figures["cards_late"] = 0
    for case_class, diagnosed_at, reported_at in rows:
        figures[f"cards_{case_class}"] += 1
        figures["cards_late"] += reported_late(ReportCard(diagnosed_at=diagnosed_at, reported_at=reported_at))
    return figures


def late_numbers(session: Session, start: datetime, end: datetime) -> list[str]:
    """The numbers of the period's cards reported after their 2 hours, in diagnosis order (the report
    names them)."""
    from fever_desk.report_card.clock import reported_late

    rows = session.execute(
        select(C.number, C.diagnosed_at, C.reported_at)
        .where(C.diagnosed_at > to_utc(start), C.diagnosed_at <= to_utc(end), C.reported_at.is_not(None))
        .order_by(C.diagnosed_at, C.number)
    ).all()
    return [
        number
        for number, diagnosed_at, reported_at in rows
        if reported_late(ReportCard(diagnosed_at=diagnosed_at, reported_at=reported_at))
    ]
