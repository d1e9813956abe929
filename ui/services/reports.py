"""Operations the report screens hand to the database worker (and the command line calls directly).

Each takes the worker's context (:class:`ui.services.context.DeskContext`) and plain values, and returns
plain values, so they are testable without Qt.  Generating counts the figures and stores them as a
revision only if they differ from the latest (``fever_desk.reporting.needs_new_revision``), so pressing
"generate" twice, or the CLI and the desk both generating, never piles up identical revisions.  A new
revision, an export and a follow-up result each commit together with their audit entry (one unit of
work), and name the logged-in operator (``ctx.actor``) as the entry does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.report_cards.repository import late_numbers
from fever_desk.audit import AuditAction
from fever_desk.export_files import ExportedFile, write_export, zip_path
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
from ui.services.audit_hooks import audit
from ui.services.changes import NOTHING, Changes
from ui.services.context import DeskContext
from ui.services.screening import operator_of, removed_on_failure

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ReportContext = DeskContext  # the name the screens used before the context was typed
RETRIES = 3  # two counters racing for one revision number: the loser's unit of work runs again


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
    #: This counter generated the day's report while the server was away and it has not arrived yet.
    provisional: bool = False

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
    file: ExportedFile | None = None  # set by an export: the path, and the password when zipped
    #: The shared server was out of reach: a provisional revision, the request kept on this counter
    #: until the server counts the day (``db.offline.reports``, which states the rule).
    queued: bool = False

    @property
    def changes(self) -> Changes:
        """A new revision changes the reports; generating unchanged figures again changes nothing."""
        return Changes(reports=True) if self.created else NOTHING


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
    waiting = getattr(ctx.reports, "pending_days", None)  # a shared server's outbox (db.offline.reports)
    return ReportView(
        period,
        ctx.reports.figures(period.start, period.end),
        ctx.reports.revisions(station.station_id, day),
        ctx.reports.history(history_periods(day, station.cutoff)),
        provisional=waiting is not None and day in waiting(station.station_id),
    )


def _generate(
    ctx: ReportContext, station: ReportingStation, day: date, note: str, session: Session
) -> Generated:
    period = reporting_day(day, station.cutoff)
    figures = ctx.reports.figures(period.start, period.end)
    by = operator_of(ctx, station.operator)
    revision, created = ctx.reports.save_revision(
        station.station_id, period, figures, by, note, session=session
    )
    if created:
        detail = f"revision={revision.revision}"
        audit(ctx, AuditAction.REPORT, "daily_report", str(day), detail, session=session)
    return Generated(revision, created)


def _retrying(unit: Any) -> Any:
    """Run ``unit()`` (one whole unit of work) again when a concurrent revision got the number first."""
    from sqlalchemy.exc import IntegrityError, OperationalError  # loaded on the worker, not at start-up

    for attempt in range(RETRIES):
        try:
            return unit()
        except (IntegrityError, OperationalError):
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def generate_report(ctx: ReportContext, station: ReportingStation, day: date, note: str = "") -> Generated:
    """Count the day and store a revision if anything changed (or a new note was given)."""

    def unit() -> Generated:
        from db.offline.link import was_queued

        with ctx.unit_of_work() as session:
            generated = _generate(ctx, station, day, note, session)
        return replace(generated, queued=was_queued(session))

    return _retrying(unit)


def export_report(
    ctx: ReportContext,
    station: ReportingStation,
    day: date,
    path: Path,
    note: str = "",
    *,
    zipped: bool = False,
) -> Generated:
    """Generate (as above), then write the revision in force to ``path`` (format from the extension),
    0600 and marked as personal information, or with ``zipped`` to an AES-256 ZIP beside it
    (``fever_desk.export_files``); the entry says whether it was zipped.

    Exporting always writes the figures the database holds now: a file that disagrees with the stored
    revisions could not be traced back to one.  The revision, the file and both entries are one unit:
    a file that cannot be written leaves no revision and no entry behind, and a unit that fails after
    writing it removes the file.
    """
    from ui.services.pharmacy import note_station_copy

    period = reporting_day(day, station.cutoff)
    target = zip_path(path) if zipped else path
    note_station_copy(target, day)

    def unit() -> Generated:
        with removed_on_failure(target), ctx.unit_of_work() as session:
            generated = _generate(ctx, station, day, note, session)
            history = ctx.reports.history(history_periods(day, station.cutoff))
            anchor = "{}:{}".format(*ctx.audit.head(session=session))
            document = ReportDocument(
                station.station_name,
                station.institution,
                period,
                generated.revision,
                history,
                audit_anchor=anchor,
                late_cards=tuple(late_numbers(session, period.start, period.end)),
            )
            font = station.font_path or None
            written, _ = write_export(
                path, lambda plain: write_report(plain, document, font_path=font), zipped=zipped
            )
            detail = f"{written.path.name} zip={'yes' if zipped else 'no'}"
            audit(ctx, AuditAction.EXPORT, "daily_report", str(day), detail, session=session)
        return replace(generated, file=written)

    return _retrying(unit)


def load_glance(ctx: ReportContext, station: ReportingStation, now: datetime) -> Glance:
    period = current_day(now, station.cutoff)
    return Glance(
        period,
        ctx.reports.figures(period.start, period.end),
        ctx.reports.latest(station.station_id, period.day),
    )


def report_exists(ctx: ReportContext, station_id: str, day: date) -> bool:
    return ctx.reports.latest(station_id, day) is not None


@dataclass(frozen=True)
class FollowupSaved:
    """A result received back as stored.  ``queued``: the shared server was out of reach, so it waits
    in this counter's outbox with its entry (``db.offline.followups``), sent when the server is back."""

    followup: Followup
    queued: bool = False

    @property
    def changes(self) -> Changes:
        return Changes(followups=True)


def record_followup(
    ctx: ReportContext, screening_id: uuid.UUID, result: str, operator: str = "", note: str = ""
) -> FollowupSaved:
    """Store a result received back and its audit entry together (the note stays out of the trail: it
    may name the patient).  ``operator`` is used only when nobody is logged in (``ctx.actor``)."""
    from db.offline.link import was_queued

    with ctx.unit_of_work() as session:
        followup = ctx.reports.record_followup(
            screening_id, result, recorded_by=operator_of(ctx, operator), note=note, session=session
        )
        detail = f"result={followup.result.value}"
        audit(ctx, AuditAction.FOLLOWUP, "screening", str(screening_id), detail, session=session)
    return FollowupSaved(followup, was_queued(session))


def load_followups(ctx: ReportContext, screening_id: uuid.UUID) -> list[Followup]:
    return ctx.reports.followups(screening_id)
