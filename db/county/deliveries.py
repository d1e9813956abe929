"""The station side's bookkeeping of what went to the county (``county_delivery``), on the caller's session.

Queries only; the operations in ``ui.services.county`` commit each change with its audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models_county import DELIVERY
from db.models_reports import DAILY_REPORT


@dataclass(frozen=True)
class Delivery:
    kind: str
    day: date
    revision: int
    point_id: int
    body: str
    signature: str
    state: str
    reason: str
    queued_at: datetime
    sent_at: datetime | None


def _delivery(row: Any) -> Delivery:
    return Delivery(
        row.kind, row.report_day, row.revision, row.point_id, row.body, row.signature, row.state,
        row.reason, row.queued_at, row.sent_at,
    )  # fmt: skip


def unsent_revisions(session: Session, station_id: str) -> list[Any]:
    """This station's daily-report revisions that were never queued for the county, oldest first."""
    queued = select(DELIVERY.c.id).where(
        DELIVERY.c.kind == "daily",
        DELIVERY.c.report_day == DAILY_REPORT.c.report_day,
        DELIVERY.c.revision == DAILY_REPORT.c.revision,
    )
    return list(
        session.execute(
            select(DAILY_REPORT)
            .where(DAILY_REPORT.c.station_id == station_id, ~queued.exists())
            .order_by(DAILY_REPORT.c.report_day, DAILY_REPORT.c.revision)
        )
    )


def add(session: Session, kind: str, day: date, revision: int, point: int, body: str, signature: str) -> None:
    session.execute(
        DELIVERY.insert().values(
            kind=kind, report_day=day, revision=revision, point_id=point, body=body, signature=signature,
            state="queued", reason="", queued_at=datetime.now(UTC),
        )
    )  # fmt: skip


def latest(session: Session, kind: str, day: date) -> Delivery | None:
    row = session.execute(
        select(DELIVERY)
        .where(DELIVERY.c.kind == kind, DELIVERY.c.report_day == day)
        .order_by(DELIVERY.c.revision.desc())
        .limit(1)
    ).first()
    return None if row is None else _delivery(row)


def mark(session: Session, kind: str, day: date, revision: int, state: str, reason: str = "") -> None:
    values: dict[str, Any] = {"state": state, "reason": reason}
    if state == "sent":
        values["sent_at"] = datetime.now(UTC)
    session.execute(
        update(DELIVERY)
        .where(DELIVERY.c.kind == kind, DELIVERY.c.report_day == day, DELIVERY.c.revision == revision)
        .values(**values)
    )


def listed(
    session: Session, states: tuple[str, ...] | None = None, day: date | None = None
) -> list[Delivery]:
    query = select(DELIVERY).order_by(DELIVERY.c.report_day, DELIVERY.c.kind, DELIVERY.c.revision)
    if states is not None:
        query = query.where(DELIVERY.c.state.in_(states))
    if day is not None:
        query = query.where(DELIVERY.c.report_day == day)
    return [_delivery(row) for row in session.execute(query)]


def reported_days(session: Session, station_id: str, first: date, last: date) -> list[date]:
    """The report days in ``[first, last]`` for which this station generated a daily report."""
    rows = session.execute(
        select(DAILY_REPORT.c.report_day)
        .where(DAILY_REPORT.c.station_id == station_id, DAILY_REPORT.c.report_day.between(first, last))
        .distinct()
        .order_by(DAILY_REPORT.c.report_day)
    )
    return [row[0] for row in rows]
