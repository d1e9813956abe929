"""Who reported, on time or late, and who did not (缺报): the county's day at the cutoff.

A point's report for day D is due at D's cutoff (16:00 in the plans) in the county's time zone.  The
county judges by when *it* received the first revision (the database's clock, not the station's claim):
by the cutoff → on time; after it → late; nothing yet once the cutoff has passed → missing; nothing yet
before the cutoff → not yet due.  A correction (a later revision) replaces the figures, never the
punctuality of the first.  Zero or not comes from the latest revision: the zero report's point is that
the county can tell "looked and found nothing" from "did not look", so a missing point is never counted
as zero.  The clock is a parameter (``now``) so the rules are testable at any instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from fever_desk.county.points import Point
from fever_desk.reporting import DailyFigures

TREND_DAYS = 14


class ReportStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_YET = "not_yet"


STATUS_LABELS: dict[ReportStatus, str] = {  # English source strings for tr()
    ReportStatus.ON_TIME: "On time",
    ReportStatus.LATE: "Late",
    ReportStatus.MISSING: "Missing",
    ReportStatus.NOT_YET: "Not yet due",
}


def deadline(day: date, cutoff: time, tz: tzinfo) -> datetime:
    """When day ``day``'s report is due: that day at the cutoff, in the county's zone."""
    return datetime.combine(day, cutoff, tzinfo=tz)


def status_of(first_received: datetime | None, due: datetime, now: datetime) -> ReportStatus:
    if first_received is not None:
        return ReportStatus.ON_TIME if first_received <= due else ReportStatus.LATE
    return ReportStatus.MISSING if now > due else ReportStatus.NOT_YET


@dataclass(frozen=True)
class Received:
    """What the county holds of one point's day: first receipt, latest revision and its figures."""

    point_id: int
    first_received: datetime
    revision: int
    figures: DailyFigures
    zero: bool


@dataclass(frozen=True)
class PointDay:
    point: Point
    status: ReportStatus
    received: Received | None

    @property
    def zero(self) -> bool | None:
        """True a zero report, False findings, None no report (never counted as zero)."""
        return None if self.received is None else self.received.zero


def day_status(
    points: Iterable[Point], received: Iterable[Received], day: date, cutoff: time, tz: tzinfo, now: datetime
) -> list[PointDay]:
    """Every point expected to report on ``day`` (``active_from`` on or before it), in township order."""
    by_point = {r.point_id: r for r in received}
    due = deadline(day, cutoff, tz)
    rows = []
    for point in points:
        if point.active_from > day:
            continue
        got = by_point.get(point.id)
        rows.append(PointDay(point, status_of(got.first_received if got else None, due, now), got))
    rows.sort(key=lambda r: (r.point.township_code, r.point.name, r.point.id))
    return rows


def missing(rows: Iterable[PointDay]) -> list[PointDay]:
    """The points to phone: no report although the cutoff has passed."""
    return [r for r in rows if r.status is ReportStatus.MISSING]


_FIGURES = tuple(f.name for f in fields(DailyFigures))


def _add(a: DailyFigures, b: DailyFigures) -> DailyFigures:
    return DailyFigures(*(getattr(a, name) + getattr(b, name) for name in _FIGURES))


@dataclass
class TownshipTotal:
    township_code: str
    township: str
    points: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_yet: int = 0
    zero: int = 0
    with_findings: int = 0
    figures: DailyFigures = field(default_factory=DailyFigures)

    def count(self, row: PointDay) -> None:
        self.points += 1
        setattr(self, row.status.value, getattr(self, row.status.value) + 1)
        if row.received is not None:
            if row.received.zero:
                self.zero += 1
            else:
                self.with_findings += 1
            self.figures = _add(self.figures, row.received.figures)


def township_totals(rows: Iterable[PointDay]) -> list[TownshipTotal]:
    """One line per township (the 9-digit prefix), in code order, plus nothing for empty townships."""
    totals: dict[str, TownshipTotal] = {}
    for row in rows:
        code = row.point.township_code
        total = totals.setdefault(code, TownshipTotal(code, row.point.township))
        total.count(row)
    return [totals[k] for k in sorted(totals)]


def county_total(rows: Iterable[PointDay]) -> TownshipTotal:
    total = TownshipTotal("", "")
    for row in rows:
        total.count(row)
    return total


@dataclass(frozen=True)
class DayTotals:
    """What the reports received for one day add up to (latest revision of each expected point)."""

    reported: int = 0
    zero: int = 0
    screened: int = 0
    fever: int = 0
    suspected: int = 0


def day_totals(received: Iterable[Received], expected: set[int]) -> DayTotals:
    """The pure form of ``db.county.repository.trend_totals`` (which sums in SQL)."""
    got = [r for r in received if r.point_id in expected]
    return DayTotals(
        len(got),
        sum(1 for r in got if r.zero),
        sum(r.figures.screened for r in got),
        sum(r.figures.fever for r in got),
        sum(r.figures.suspected for r in got),
    )


@dataclass(frozen=True)
class TrendDay:
    """One day of the 14-day chart: how many points reported (and how many of them zero), and the
    county's screened / fever / suspected counts from the reports received."""

    day: date
    expected: int
    reported: int
    zero: int
    screened: int
    fever: int
    suspected: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported


def trend_days(last_day: date, days: int = TREND_DAYS) -> list[date]:
    return [last_day - timedelta(days=n) for n in range(days - 1, -1, -1)]


def trend(
    points: Iterable[Point], totals: dict[date, DayTotals], last_day: date, days: int = TREND_DAYS
) -> list[TrendDay]:
    """The ``days`` days ending on ``last_day``, oldest first; a day with no report has zeros, not gaps.
    ``totals`` counts only points expected that day (see :func:`day_totals`)."""
    starts = [p.active_from for p in points]
    out = []
    for day in trend_days(last_day, days):
        t = totals.get(day, DayTotals())
        expected = sum(1 for start in starts if start <= day)
        out.append(TrendDay(day, expected, t.reported, t.zero, t.screened, t.fever, t.suspected))
    return out
