"""``SqlObservationRepository``: the observation register over SQLAlchemy.

Every writing method takes the caller's ``session`` (one unit of work per operation, with its audit entry,
``db.transactions``); without one it runs in a short transaction of its own.  The worklist is answered by
range conditions on indexed per-person numbers (see ``db.observation.models``): the sections hold at most
``limit`` rows each, their sizes come from counts on the same indexes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, case, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from db.models import to_utc
from db.observation.mapping import cell_from_row, cell_values, observation_from_row, observation_values
from db.observation.models import OBSERVATION, OBSERVATION_CELL
from db.search import prefix
from db.transactions import joined
from fever_desk.observation.model import Cell, Observation, Status
from fever_desk.search import Key, parse

OB, C = OBSERVATION, OBSERVATION_CELL
ACTIVE = str(Status.ACTIVE)
COUNT_CAP = 10_000  # a worklist section's size is exact up to this, "more than" beyond
#: The columns a worklist line needs, in the order ``ui.services.observation_worklist._item`` unpacks them.
WORK_COLUMNS = (
    OB.c.id,
    OB.c.name,
    OB.c.phone,
    OB.c.id_number,
    OB.c.kind,
    OB.c.last_exposure,
    OB.c.release_on,
    OB.c.first_slot,
    OB.c.last_slot,
    OB.c.covered_through,
    OB.c.last_temperature,
    OB.c.alert,
    OB.c.place,
    OB.c.responsible,
)


def _now() -> datetime:
    return datetime.now(UTC)


class SqlObservationRepository:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    # ---- writing ---------------------------------------------------------------------------------------
    def add(self, observation: Observation, *, session: Session | None = None) -> Observation:
        values = observation_values(observation)
        with joined(self._sessions, session) as own:
            own.execute(insert(OB), values)
        return observation_from_row(values)

    def add_many(self, observations: Sequence[Observation], *, session: Session) -> int:
        """One executemany for an import (the caller's transaction: all or nothing)."""
        rows = [observation_values(o) for o in observations]
        for start in range(0, len(rows), 1000):
            session.execute(insert(OB), rows[start : start + 1000])
        return len(rows)

    def add_cell(self, cell: Cell, *, session: Session) -> None:
        """Store one version of a half-day, and move the person's worklist numbers with it: a first
        version moves them forward in the same statement; a correction recounts them from the grid."""
        from fever_desk.observation.rules import half_day

        session.execute(insert(C), cell_values(cell))
        if cell.version > 1:
            self._refresh_progress(cell.observation_id, session, cell.recorded_at)
            return
        number = half_day(cell.entry.day, cell.entry.slot)
        temperature = cell.entry.temperature.celsius if cell.entry.temperature else None
        newer = OB.c.covered_through <= number
        values: dict[str, Any] = {
            "covered_through": case((newer, number), else_=OB.c.covered_through),
            "last_temperature": case((newer, temperature), else_=OB.c.last_temperature),
            "updated_at": to_utc(cell.recorded_at),
            "version": OB.c.version + 1,
        }
        if cell.alert:
            values["alert"] = True
        session.execute(update(OB).where(OB.c.id == cell.observation_id).values(**values))

    def _refresh_progress(self, observation_id: uuid.UUID, session: Session, at: datetime) -> None:
        from fever_desk.observation.rules import half_day

        cells = self.current_cells(observation_id, session=session)
        row = session.execute(select(OB.c.first_slot).where(OB.c.id == observation_id)).one()
        covered = max((half_day(c.entry.day, c.entry.slot) for c in cells), default=row.first_slot - 1)
        newest = max(cells, key=lambda c: half_day(c.entry.day, c.entry.slot), default=None)
        temperature = newest.entry.temperature if newest is not None else None
        session.execute(
            update(OB)
            .where(OB.c.id == observation_id)
            .values(
                covered_through=max(covered, row.first_slot - 1),
                alert=any(c.alert for c in cells),
                last_temperature=temperature.celsius if temperature else None,
                updated_at=to_utc(at),
                version=OB.c.version + 1,
            )
        )

    def set_status(
        self,
        observation_id: uuid.UUID,
        status: Status,
        on: date,
        reason: str,
        by: str,
        *,
        at: datetime | None = None,
        session: Session,
    ) -> Observation:
        """Release, refer or lose, at ``at`` (default now; the daily report counts by it)."""
        session.execute(
            update(OB)
            .where(OB.c.id == observation_id)
            .values(
                status=str(status),
                status_on=on,
                status_reason=reason,
                status_by=by,
                status_at=to_utc(at) if at is not None else _now(),
                updated_at=to_utc(at) if at is not None else _now(),
                version=OB.c.version + 1,
            )
        )
        found = self.get(observation_id, session=session)
        assert found is not None
        return found

    # ---- reading ---------------------------------------------------------------------------------------
    def get(self, observation_id: uuid.UUID, *, session: Session | None = None) -> Observation | None:
        with joined(self._sessions, session) as own:
            row = own.execute(select(OB).where(OB.c.id == observation_id)).mappings().first()
        return observation_from_row(row) if row is not None else None

    def row(self, observation_id: uuid.UUID, *, session: Session | None = None) -> dict[str, Any] | None:
        """The raw row, with the worklist numbers (``covered_through``, ``alert`` …)."""
        with joined(self._sessions, session) as own:
            row = own.execute(select(OB).where(OB.c.id == observation_id)).mappings().first()
        return dict(row) if row is not None else None

    def active_for(
        self, *, id_number: str = "", source_id: str = "", session: Session | None = None
    ) -> Observation | None:
        """The person's current observation: same ID number, or registered from the same record."""
        terms: list[ColumnElement[bool]] = []
        if id_number:
            terms.append(and_(OB.c.id_number == id_number, OB.c.status == ACTIVE))
        if source_id:
            terms.append(OB.c.source_id == source_id)
        if not terms:
            return None
        with joined(self._sessions, session) as own:
            row = own.execute(select(OB).where(or_(*terms)).limit(1)).mappings().first()
        return observation_from_row(row) if row is not None else None

    def active_id_numbers(self, numbers: Iterable[str], *, session: Session) -> set[str]:
        wanted = sorted({n for n in numbers if n})
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(OB.c.id_number).where(OB.c.id_number.in_(chunk), OB.c.status == ACTIVE)
            found.update(session.execute(query).scalars())
        return found

    def all_cells(self, observation_id: uuid.UUID, *, session: Session | None = None) -> list[Cell]:
        """Every version of every half-day, in grid order then version."""
        query = select(C).where(C.c.observation_id == observation_id).order_by(C.c.day, C.c.slot, C.c.version)
        with joined(self._sessions, session) as own:
            return [cell_from_row(r) for r in own.execute(query).mappings()]

    def current_cells(self, observation_id: uuid.UUID, *, session: Session | None = None) -> list[Cell]:
        newest: dict[tuple[date, str], Cell] = {}
        for cell in self.all_cells(observation_id, session=session):
            newest[(cell.entry.day, str(cell.entry.slot))] = cell  # versions ascend: the last one wins
        return list(newest.values())

    def cell_version(self, observation_id: uuid.UUID, day: date, slot: str, *, session: Session) -> int:
        """The highest version of a half-day, 0 when it is empty."""
        query = select(func.max(C.c.version)).where(
            C.c.observation_id == observation_id, C.c.day == day, C.c.slot == slot
        )
        return session.execute(query).scalar_one() or 0

    def section(
        self,
        where: Sequence[ColumnElement[bool]],
        limit: int,
        order: ColumnElement[Any] | None = None,
        *,
        cap: int | None = None,
        session: Session | None = None,
    ) -> tuple[Sequence[Row[Any]], int]:
        """Up to ``limit`` active people matching ``where`` in ``order`` (default: longest without a
        reading first), and how many match — counted only when the lines fill ``limit``, and then at most
        ``cap + 1`` (more than ``cap`` reads as "more than"): a count of everyone due among 100,000
        would cost more than the whole worklist may (``bench/bench_observation.py``)."""
        terms = [OB.c.status == ACTIVE, *where]
        cap = COUNT_CAP if cap is None else cap
        ordering = OB.c.covered_through if order is None else order
        with joined(self._sessions, session) as own:
            rows = own.execute(select(*WORK_COLUMNS).where(*terms).order_by(ordering).limit(limit)).all()
            total = len(rows)
            if total >= limit:
                capped = select(literal(1)).where(*terms).limit(cap + 1).subquery()  # the index alone
                total = int(own.execute(select(func.count()).select_from(capped)).scalar_one())
        return rows, total

    def register(
        self,
        *,
        status: Status | None = None,
        search: str = "",
        limit: int = 500,
        session: Session | None = None,
    ) -> list[Observation]:
        """The register, newest registration first, optionally one status and a search (any of the
        station's search keys, ``fever_desk.search``)."""
        terms: list[ColumnElement[bool]] = []
        if status is not None:
            terms.append(OB.c.status == str(status))
        query = parse(search)
        if not query.everything:
            columns = {
                Key.NAME: OB.c.name_key,
                Key.ID_NUMBER: OB.c.id_number,
                Key.PHONE: OB.c.phone,
                Key.PHONE_TAIL: OB.c.phone_rev,
            }
            terms.append(or_(*(prefix(columns[t.key], t.prefix) for t in query.terms)))
        statement = select(OB).where(*terms).order_by(OB.c.created_at.desc()).limit(limit)
        with joined(self._sessions, session) as own:
            return [observation_from_row(r) for r in own.execute(statement).mappings()]


def observation_figures(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """The daily report's observation figures for the reporting period ``(start, end]`` (keys are
    ``fever_desk.reporting.DailyFigures`` fields); an outcome counts by ``status_at``."""
    start, end = to_utc(start), to_utc(end)
    c = OB.c

    def count(*terms: ColumnElement[bool]) -> int:
        return int(session.execute(select(func.count()).select_from(OB).where(*terms)).scalar_one())

    def ended(status: Status) -> int:
        return count(c.status == str(status), c.status_at > start, c.status_at <= end)

    return {
        "observation_under": count(c.created_at <= end, or_(c.status == ACTIVE, c.status_at > end)),
        "observation_new": count(c.created_at > start, c.created_at <= end),
        "observation_released": ended(Status.RELEASED),
        "observation_referred": ended(Status.REFERRED),
        "observation_cumulative": count(c.created_at <= end),
    }
