"""The daily report (日报告) and the zero report (零报告): the reporting day, its figures, revisions.

The county plans ask every counter to report its day to the health commission "before 16:00", so a
*reporting day* is not a calendar day: the report for day D covers everything after the previous
cutoff (D−1 at 16:00) up to and including this one (D at 16:00) — the interval ``(previous, this]``.  A
screening saved at exactly 16:00:00 therefore belongs to that afternoon's report (the nurse saw the
patient before the report went out), and one at 16:00:00.000001 to the next day's.  The cutoff is a
setting (``report_cutoff``, "HH:MM"); changing it changes the period, so the next generation of a day
records a new revision rather than silently rewriting the old one.

Everything here is pure: the database adapter counts, the exports draw, the screens show; this module
only says what a day is, what a figure means and when two generations are "the same report".
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Protocol

DEFAULT_CUTOFF = "16:00"
REMIND_BEFORE = timedelta(minutes=30)
HISTORY_DAYS = 14


class FollowupResult(StrEnum):
    """What the fever clinic or the designated hospital told us back about a referred person."""

    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"
    EXCLUDED = "excluded"


FOLLOWUP_LABELS = {
    FollowupResult.SUSPECTED: "Suspected case",
    FollowupResult.CONFIRMED: "Confirmed case",
    FollowupResult.EXCLUDED: "Excluded",
}


def parse_cutoff(text: str) -> time:
    """ "16:00" or "16:00:00" → a time; raises ``ValueError`` for anything else (e.g. "4pm", "24:00")."""
    value = (text or "").strip()
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a cutoff time (HH:MM): {text!r}") from None
    if parsed.tzinfo is not None or len(value) not in (5, 8):
        raise ValueError(f"not a cutoff time (HH:MM): {text!r}")
    return parsed


def cutoff_of(settings: object) -> time:
    """The station's cutoff; settings without the field (or with a broken value) mean 16:00."""
    try:
        return parse_cutoff(str(getattr(settings, "report_cutoff", DEFAULT_CUTOFF)))
    except ValueError:
        return parse_cutoff(DEFAULT_CUTOFF)


@dataclass(frozen=True)
class ReportingDay:
    """Report day ``day`` covers ``(start, end]``, both aware datetimes in the station's zone."""

    day: date
    start: datetime
    end: datetime
    cutoff: time

    @property
    def cutoff_text(self) -> str:
        return self.cutoff.strftime("%H:%M:%S" if self.cutoff.second else "%H:%M")

    def contains(self, moment: datetime) -> bool:
        return self.start < moment <= self.end


def _at(day: date, cutoff: time, tz: tzinfo | None) -> datetime:
    naive = datetime.combine(day, cutoff)
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def reporting_day(day: date, cutoff: time, tz: tzinfo | None = None) -> ReportingDay:
    """The period of report day ``day``; ``tz`` None means the machine's local zone (the station's)."""
    return ReportingDay(day, _at(day - timedelta(days=1), cutoff, tz), _at(day, cutoff, tz), cutoff)


def reporting_day_of(moment: datetime, cutoff: time, tz: tzinfo | None = None) -> ReportingDay:
    """The report day a moment belongs to: up to and including the cutoff → today, after it → tomorrow."""
    local = moment.astimezone(tz)  # a naive moment is local time, as everywhere in the station
    same = reporting_day(local.date(), cutoff, tz)
    return same if local <= same.end else reporting_day(local.date() + timedelta(days=1), cutoff, tz)


def reminder_due(now: datetime, cutoff: time, *, generated: bool, tz: tzinfo | None = None) -> bool:
    """Remind from ``REMIND_BEFORE`` the cutoff to the end of that calendar day while not generated.

    After the cutoff the report is late, not unnecessary, so the reminder stays (as "overdue") until
    midnight; the next morning the new reporting day starts quietly.
    """
    if generated:
        return False
    local = now.astimezone(tz)
    due = _at(local.date(), cutoff, tz)
    return due - REMIND_BEFORE <= local < _at(local.date() + timedelta(days=1), time.min, tz)


def day_to_remind(now: datetime, cutoff: time, tz: tzinfo | None = None) -> date:
    """The report day the reminder is about: the one whose cutoff falls on today's calendar date."""
    return now.astimezone(tz).date()


@dataclass(frozen=True)
class DailyFigures:
    """The figures of one reporting day, as counted from the database.

    ``fever_clinic`` and ``suspected`` count each disposition exactly (a suspected person, referred to
    the designated hospital, is not also counted as "sent to the fever clinic"), as the today list does.
    ``outcome_*`` count the results *received during the period*: for each screening, the latest result
    recorded in the period, so a same-day correction replaces rather than adds, and a past day's
    figures do not move when a later result arrives.  ``purchasers_flagged`` is the pharmacy purchasers
    with fever *or* an epidemiological "yes" (one person with both counts once).
    """

    screened: int = 0
    fever: int = 0
    fever_clinic: int = 0
    suspected: int = 0
    outcome_suspected: int = 0
    outcome_confirmed: int = 0
    outcome_excluded: int = 0
    purchasers: int = 0
    purchasers_fever: int = 0
    purchasers_epidemiological: int = 0
    purchasers_flagged: int = 0
    # The 14-day observation register (fever_desk.observation): under observation at the cutoff, newly
    # registered, released and referred in the period, and everyone ever registered up to the cutoff.
    # Not findings: being observed is not a finding, and a referral is counted as its screening.
    observation_under: int = 0
    observation_new: int = 0
    observation_released: int = 0
    observation_referred: int = 0
    observation_cumulative: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DailyFigures:
        """Tolerant: a revision written before a figure existed reads it as 0; unknown keys are ignored."""
        return cls(**{f.name: int(data.get(f.name, 0) or 0) for f in fields(cls)})

    @property
    def findings(self) -> int:
        """Anything the commission must hear about: fever, referrals, positive results, flagged buyers."""
        return (
            self.fever
            + self.fever_clinic
            + self.suspected
            + self.outcome_suspected
            + self.outcome_confirmed
            + self.purchasers_flagged
        )

    @property
    def is_zero_report(self) -> bool:
        """零报告: nothing was found.  People screened or excluded without findings still make a zero
        report — the zero report exists to say "we looked and found nothing", not "we saw nobody"."""
        return self.findings == 0


# English source strings (translated through the catalogue); the order is the report's order.
FIGURE_LABELS: dict[str, str] = {
    "screened": "Screened",
    "fever": "With fever",
    "fever_clinic": "Sent to the fever clinic",
    "suspected": "Suspected, referred to the designated hospital",
    "outcome_suspected": "Results received: suspected",
    "outcome_confirmed": "Results received: confirmed",
    "outcome_excluded": "Results received: excluded",
    "purchasers": "Pharmacy purchasers",
    "purchasers_fever": "Purchasers with fever",
    "purchasers_epidemiological": "Purchasers with an epidemiological item",
    "purchasers_flagged": "Purchasers with fever or an epidemiological item",
    "observation_under": "Under medical observation",
    "observation_new": "Newly under observation",
    "observation_released": "Released from observation",
    "observation_referred": "Referred from observation",
    "observation_cumulative": "Observed in total",
}


@dataclass(frozen=True)
class DayPoint:
    """One bar pair of the 14-day chart."""

    day: date
    screened: int
    fever: int


@dataclass(frozen=True)
class ReportRevision:
    """A stored generation of a day's report; revisions count 1, 2, … per station and day."""

    station_id: str
    report_day: date
    revision: int
    figures: DailyFigures
    cutoff: str
    generated_at: datetime
    generated_by: str
    note: str = ""


def revision_payload(figures: DailyFigures, period: ReportingDay) -> dict[str, Any]:
    """What the ``figures`` JSON column holds: the counts plus the period they were counted over."""
    return {
        **figures.to_json(),
        "cutoff": period.cutoff_text,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
    }


def needs_new_revision(
    latest: ReportRevision | None, figures: DailyFigures, cutoff: str, note: str = ""
) -> bool:
    """A correction is a new revision; a regeneration that changes nothing is not.

    New when there is no revision yet, the figures differ, the cutoff (hence the period) differs, or a
    note is given that the latest revision does not already carry.
    """
    if latest is None:
        return True
    if latest.figures != figures or latest.cutoff != cutoff:
        return True
    return bool(note.strip()) and note.strip() != latest.note


@dataclass(frozen=True)
class Followup:
    """One result received back for a screening; several may exist, the latest counts."""

    id: int
    screening_id: uuid.UUID
    result: FollowupResult
    recorded_at: datetime
    recorded_by: str
    note: str = ""


class ReportRepository(Protocol):
    """What the report needs from storage (``db.report_repository.SqlReportRepository``)."""

    def figures(self, start: datetime, end: datetime) -> DailyFigures: ...

    def history(self, periods: list[ReportingDay]) -> list[DayPoint]: ...

    def revisions(self, station_id: str, day: date) -> list[ReportRevision]: ...

    def save_revision(
        self, station_id: str, period: ReportingDay, figures: DailyFigures, generated_by: str, note: str = ""
    ) -> tuple[ReportRevision, bool]: ...
