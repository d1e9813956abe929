"""Operations the report screens hand to the database worker (and the command line calls directly).

Each takes the worker's context (``ctx.reports`` a ``SqlReportRepository``) and plain values, and returns
plain values, so they are testable without Qt.  Generating counts the figures and stores them as a
revision only if they differ from the latest (``fever_desk.reporting.needs_new_revision``), so pressing
"generate" twice, or the CLI and the desk both generating, never piles up identical revisions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from fever_desk.report_export import ReportDocument, write_report
from fever_desk.reporting import (
    HISTORY_DAYS,
    DailyFigures,
    DayPoint,
    Followup,
    ReportingDay,
    ReportRevision,
    cutoff_of,
    reporting_day,
    reporting_day_of,
)
from ui.audit_hooks import audit


class ReportContext(Protocol):
    reports: Any


@dataclass(frozen=True)
class ReportingStation:
    """Who reports: the settings the report needs, copied so the worker never reads live settings."""

    station_id: str
    station_name: str
    institution: str
    operator: str
    cutoff: time
    font_path: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> ReportingStation:
        """``report_cutoff`` is read with a default, so settings from before the field still work."""
        return cls(
            settings.station_id,
            settings.station_name,
            settings.institution,
            settings.operator,
            cutoff_of(settings),
            getattr(settings, "slip_font_path", ""),
        )


@dataclass(frozen=True)
class ReportView:
    """A day as the Reports screen shows it: the figures as the database has them now, every stored
    revision, and whether the figures moved since the latest revision (then "regenerate" matters)."""

    period: ReportingDay
    figures: DailyFigures
    revisions: list[ReportRevision]
    history: list[DayPoint]

    @property
    def latest(self) -> ReportRevision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def outdated(self) -> bool:
        latest = self.latest
        return latest is not None and (
            latest.figures != self.figures or latest.cutoff != self.period.cutoff_text
        )


@dataclass(frozen=True)
class Generated:
    revision: ReportRevision
    created: bool


@dataclass(frozen=True)
class Glance:
    """Today's figures for the status bar, and whether today's report exists yet."""

    period: ReportingDay
    figures: DailyFigures
    latest: ReportRevision | None


def current_day(now: datetime, cutoff: time) -> ReportingDay:
    return reporting_day_of(now, cutoff)


def history_periods(day: date, cutoff: time, days: int = HISTORY_DAYS) -> list[ReportingDay]:
    """The ``days`` reporting days ending with ``day``, oldest first (the chart reads left to right)."""
    return [reporting_day(day - timedelta(days=n), cutoff) for n in range(days - 1, -1, -1)]


def load_report(ctx: ReportContext, station: ReportingStation, day: date) -> ReportView:
    period = reporting_day(day, station.cutoff)
    return ReportView(
        period,
        ctx.reports.figures(period.start, period.end),
        ctx.reports.revisions(station.station_id, day),
        ctx.reports.history(history_periods(day, station.cutoff)),
    )


def generate_report(ctx: ReportContext, station: ReportingStation, day: date, note: str = "") -> Generated:
    """Count the day and store a revision if anything changed (or a new note was given)."""
    period = reporting_day(day, station.cutoff)
    figures = ctx.reports.figures(period.start, period.end)
    revision, created = ctx.reports.save_revision(station.station_id, period, figures, station.operator, note)
    if created:
        audit(ctx, "report", "daily_report", str(day), f"revision={revision.revision}")
    return Generated(revision, created)


def export_report(
    ctx: ReportContext, station: ReportingStation, day: date, path: Path, note: str = ""
) -> Generated:
    """Generate (as above), then write the revision in force to ``path`` (format from the extension).

    Exporting always writes the figures the database holds now: a file that disagrees with the stored
    revisions could not be traced back to one.
    """
    generated = generate_report(ctx, station, day, note)
    period = reporting_day(day, station.cutoff)
    history = ctx.reports.history(history_periods(day, station.cutoff))
    trail = getattr(ctx, "audit", None)
    anchor = "{}:{}".format(*trail.head()) if trail is not None else ""
    document = ReportDocument(
        station.station_name, station.institution, period, generated.revision, history, audit_anchor=anchor
    )
    write_report(path, document, font_path=station.font_path or None)
    audit(ctx, "export", "daily_report", str(day), path.name)
    return generated


def load_glance(ctx: ReportContext, station: ReportingStation, now: datetime) -> Glance:
    period = current_day(now, station.cutoff)
    return Glance(
        period,
        ctx.reports.figures(period.start, period.end),
        ctx.reports.latest(station.station_id, period.day),
    )


def report_exists(ctx: ReportContext, station_id: str, day: date) -> bool:
    return ctx.reports.latest(station_id, day) is not None


def record_followup(
    ctx: ReportContext, screening_id: uuid.UUID, result: str, operator: str, note: str = ""
) -> Followup:
    return ctx.reports.record_followup(screening_id, result, recorded_by=operator, note=note)


def load_followups(ctx: ReportContext, screening_id: uuid.UUID) -> list[Followup]:
    return ctx.reports.followups(screening_id)
