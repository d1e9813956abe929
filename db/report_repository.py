"""``SqlReportRepository``: the daily report's figures, its revisions and the results received back.

The figures are three aggregate queries, each one index range: screenings and purchases read only their
``(created_at, …)`` covering indexes (no table row is touched), results read the ``(recorded_at, …)``
index of the small follow-up table.  A reporting day is ``(start, end]`` (see ``fever_desk.reporting``),
so the bounds here are ``> start AND <= end``, unlike the half-open lists elsewhere.  Measured on one
million screenings: one day's figures in a few milliseconds (``bench/bench_report.py``).

Saving a revision reads the latest one and writes the next number in the same transaction; the unique
``(station_id, report_day, revision)`` makes two desks racing on one shared database collide instead of
both writing "revision 2", and the loser simply retries against the winner's row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, insert, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from db.models import SCREENING, to_utc
from db.models_pharmacy import PURCHASE
from db.models_reports import DAILY_REPORT, FOLLOWUP
from db.observation.repository import observation_figures
from db.transactions import joined
from fever_desk.model import Disposition
from fever_desk.ports import Clock
from fever_desk.reporting import (
    DailyFigures,
    DayPoint,
    Followup,
    FollowupResult,
    ReportingDay,
    ReportRevision,
    needs_new_revision,
    revision_payload,
)

_RETRIES = 3
RETRIES = _RETRIES  # for a unit of work that retries as a whole


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _revision_from_row(row: Any) -> ReportRevision:
    payload = dict(row["figures"] or {})
    return ReportRevision(
        station_id=row["station_id"],
        report_day=row["report_day"],
        revision=row["revision"],
        figures=DailyFigures.from_json(payload),
        cutoff=str(payload.get("cutoff", "")),
        generated_at=to_utc(row["generated_at"]),
        generated_by=row["generated_by"],
        note=row["note"],
    )


class SqlReportRepository:
    """Reports in SQL; ``session_factory`` is usually ``open_database(url).session_factory``."""

    def __init__(self, session_factory: Callable[[], Session], *, clock: Clock | None = None) -> None:
        self._sessions = session_factory
        self._clock = clock or _UtcClock()

    # ---- figures ------------------------------------------------------------------------------------
    def figures(self, start: datetime, end: datetime) -> DailyFigures:
        """The counts for the reporting period ``(start, end]``."""
        s_created = SCREENING.c.created_at
        screenings = select(
            func.count(),
            _count_if(SCREENING.c.fever.is_(True)),
            _count_if(SCREENING.c.disposition == Disposition.FEVER_CLINIC.value),
            _count_if(SCREENING.c.disposition == Disposition.SUSPECTED.value),
        ).where(s_created > start, s_created <= end)
        p_created = PURCHASE.c.created_at
        fever, epi = PURCHASE.c.fever.is_(True), PURCHASE.c.epidemiological.is_(True)
        purchases = select(func.count(), _count_if(fever), _count_if(epi), _count_if(or_(fever, epi))).where(
            p_created > start, p_created <= end
        )
        with self._sessions() as session, session.begin():
            screened, with_fever, clinic, suspected = session.execute(screenings).one()
            buyers, buyers_fever, buyers_epi, buyers_flagged = session.execute(purchases).one()
            outcomes = self._outcomes(session, start, end)
            observed = observation_figures(session, start, end)
        return DailyFigures(
            **observed,
            screened=int(screened),
            fever=int(with_fever),
            fever_clinic=int(clinic),
            suspected=int(suspected),
            outcome_suspected=outcomes.get(FollowupResult.SUSPECTED.value, 0),
            outcome_confirmed=outcomes.get(FollowupResult.CONFIRMED.value, 0),
            outcome_excluded=outcomes.get(FollowupResult.EXCLUDED.value, 0),
            purchasers=int(buyers),
            purchasers_fever=int(buyers_fever),
            purchasers_epidemiological=int(buyers_epi),
            purchasers_flagged=int(buyers_flagged),
        )

    @staticmethod
    def _outcomes(session: Session, start: datetime, end: datetime) -> dict[str, int]:
        """Per screening, the latest result recorded in ``(start, end]``, counted by result."""
        f = FOLLOWUP.alias("f")
        later = FOLLOWUP.alias("later")
        newer_in_period = (
            select(later.c.id)
            .where(
                later.c.screening_id == f.c.screening_id,
                later.c.recorded_at > start,
                later.c.recorded_at <= end,
                or_(
                    later.c.recorded_at > f.c.recorded_at,
                    and_(later.c.recorded_at == f.c.recorded_at, later.c.id > f.c.id),
                ),
            )
            .exists()
        )
        query = (
            select(f.c.result, func.count())
            .where(f.c.recorded_at > start, f.c.recorded_at <= end, ~newer_in_period)
            .group_by(f.c.result)
        )
        return {result: int(count) for result, count in session.execute(query)}

    def history(self, periods: list[ReportingDay]) -> list[DayPoint]:
        """Screened and with-fever per reporting day, for the chart; one covering-index range each."""
        created = SCREENING.c.created_at
        points: list[DayPoint] = []
        with self._sessions() as session, session.begin():
            for period in periods:
                screened, fever = session.execute(
                    select(func.count(), _count_if(SCREENING.c.fever.is_(True))).where(
                        created > period.start, created <= period.end
                    )
                ).one()
                points.append(DayPoint(period.day, int(screened), int(fever)))
        return points

    # ---- revisions ----------------------------------------------------------------------------------
    def revisions(self, station_id: str, day: date) -> list[ReportRevision]:
        """Every revision of the station's report for ``day``, oldest first."""
        query = (
            select(DAILY_REPORT)
            .where(DAILY_REPORT.c.station_id == station_id, DAILY_REPORT.c.report_day == day)
            .order_by(DAILY_REPORT.c.revision)
        )
        with self._sessions() as session, session.begin():
            return [_revision_from_row(row) for row in session.execute(query).mappings()]

    def latest(self, station_id: str, day: date) -> ReportRevision | None:
        found = self.revisions(station_id, day)
        return found[-1] if found else None

    def save_revision(
        self,
        station_id: str,
        period: ReportingDay,
        figures: DailyFigures,
        generated_by: str,
        note: str = "",
        *,
        session: Session | None = None,
    ) -> tuple[ReportRevision, bool]:
        """Store ``figures`` as the next revision unless they repeat the latest one.

        Returns (the revision now in force, whether it was created by this call).  Two counters racing
        for the same revision number make one fail its insert; on its own transaction this retries, in
        the caller's ``session`` it raises and the caller retries its whole unit of work
        (:data:`RETRIES` times, see ``ui.services.reports``).
        """
        if session is not None:
            return self._save_once(station_id, period, figures, generated_by, note.strip(), session)
        for attempt in range(_RETRIES):
            try:
                return self._save_once(station_id, period, figures, generated_by, note.strip())
            except (IntegrityError, OperationalError):
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _save_once(
        self,
        station_id: str,
        period: ReportingDay,
        figures: DailyFigures,
        generated_by: str,
        note: str,
        session: Session | None = None,
    ) -> tuple[ReportRevision, bool]:
        where = and_(DAILY_REPORT.c.station_id == station_id, DAILY_REPORT.c.report_day == period.day)
        with joined(self._sessions, session) as session:
            row = (
                session.execute(select(DAILY_REPORT).where(where).order_by(DAILY_REPORT.c.revision.desc()))
                .mappings()
                .first()
            )
            latest = None if row is None else _revision_from_row(row)
            if latest is not None and not needs_new_revision(latest, figures, period.cutoff_text, note):
                return latest, False
            values = {
                "station_id": station_id,
                "report_day": period.day,
                "revision": 1 if latest is None else latest.revision + 1,
                "figures": revision_payload(figures, period),
                "generated_at": to_utc(self._clock.now()),
                "generated_by": generated_by,
                "note": note,
            }
            session.execute(insert(DAILY_REPORT), values)
        return _revision_from_row(values), True

    # ---- results received back ----------------------------------------------------------------------
    def record_followup(
        self,
        screening_id: uuid.UUID,
        result: FollowupResult | str,
        *,
        recorded_by: str,
        note: str = "",
        recorded_at: datetime | None = None,
        session: Session | None = None,
    ) -> Followup:
        """Add a result for a screening (``ValueError`` for an unknown result; an integrity error if the
        screening does not exist).  Earlier results are kept; the latest counts."""
        value = FollowupResult(result)
        values = {
            "screening_id": screening_id,
            "result": value.value,
            "recorded_at": to_utc(recorded_at) if recorded_at else to_utc(self._clock.now()),
            "recorded_by": recorded_by,
            "note": note.strip(),
        }
        with joined(self._sessions, session) as session:
            new_id = session.execute(insert(FOLLOWUP).returning(FOLLOWUP.c.id), values).scalar_one()
        return Followup(new_id, screening_id, value, values["recorded_at"], recorded_by, values["note"])

    def followups(self, screening_id: uuid.UUID) -> list[Followup]:
        """A screening's results, oldest first (the last one is the one that counts)."""
        query = (
            select(FOLLOWUP)
            .where(FOLLOWUP.c.screening_id == screening_id)
            .order_by(FOLLOWUP.c.recorded_at, FOLLOWUP.c.id)
        )
        with self._sessions() as session, session.begin():
            return [
                Followup(
                    row["id"],
                    row["screening_id"],
                    FollowupResult(row["result"]),
                    to_utc(row["recorded_at"]),
                    row["recorded_by"],
                    row["note"],
                )
                for row in session.execute(query).mappings()
            ]
