"""The daily report generated while the clinic server is unreachable: provisional until the server counts.

A report's figures are the server's count of the day, which a counter cut off from it cannot make.  So
offline a generation is kept in the outbox as a *request*, with its audit entry (about the day), and the
desk shows a provisional revision: the figures the server gave last for that period (refused when it
gave none: an invented 零报告 must never be shown), marked provisional.

**The rule when the report was filed or revised meanwhile.**  On replay (after this counter's waiting
screenings, purchases, corrections and results, so they are counted) the server counts the day again and
stores a revision only if its figures differ from the revision in force, exactly as online.  If another
counter filed or revised the same day's report with the same figures while this one was offline, the
request is answered by that revision: no second revision, and no entry (online, generating unchanged
figures again makes none either).  Otherwise the server's count becomes the next revision, on top; the
revisions before it are kept.  The provisional figures themselves are never filed.  A request sent
again after a crash finds its revision in force with the same figures and files nothing twice; if the day
changed in between, the new count is a new revision, as a generation online would make it.

Everything else of the report repository is the server's, unchanged (attribute access falls through).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from db.offline.link import ServerUnavailable, audit_from_payload, reachable, unit_of
from db.offline.repository import ResilientRepository
from db.outbox import Pending
from db.transactions import unit_of_work
from fever_desk.reporting import DailyFigures, ReportingDay, ReportRevision, reporting_day

REPORT_GENERATE = "report.generate"


@dataclass(frozen=True)
class QueuedReport:
    id: uuid.UUID
    station_id: str
    day: date
    cutoff: time
    generated_by: str
    note: str


class ResilientReportRepository(ResilientRepository):
    """``db.report_repository.SqlReportRepository`` with generations that wait for the server."""

    kind = REPORT_GENERATE

    def __getattr__(self, name: str) -> Any:
        if name == "primary":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.primary, name)

    def decode(self, payload: dict[str, Any]) -> QueuedReport:
        return QueuedReport(
            uuid.UUID(payload["id"]),
            payload["station_id"],
            date.fromisoformat(payload["day"]),
            time.fromisoformat(payload["cutoff"]),
            payload["generated_by"],
            payload["note"],
        )

    # ---- reads that the desk needs offline -----------------------------------------------------------
    def figures(self, start: datetime, end: datetime) -> DailyFigures:
        """The server's count (remembered), or offline the last one it gave for the same period."""
        with self._lock:
            found = self._read(("figures", start, end), lambda: self.primary.figures(start, end))
        if found is None:
            raise ServerUnavailable()
        return found

    def history(self, periods: list[ReportingDay]) -> list[Any]:
        """The chart's points from the server, or offline the last ones it gave (else none)."""
        with self._lock:
            key = ("history", tuple(p.day for p in periods))
            return list(self._read(key, lambda: self.primary.history(periods)) or [])

    def pending_days(self, station_id: str) -> set[date]:
        """The days whose report waits here (shown as provisional until the server has it)."""
        return {r.day for r in self._pending_records() if r.station_id == station_id}

    # ---- generation ----------------------------------------------------------------------------------
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
        """On the server, as ``SqlReportRepository.save_revision``; offline (inside a unit of work) the
        request is kept with the operation's entry and a provisional revision returned, ``created``."""
        if reachable(self.link, session):
            return self._server(
                lambda: self.primary.save_revision(
                    station_id, period, figures, generated_by, note, session=session
                )
            )
        unit = unit_of(session)
        if unit is None:
            raise ServerUnavailable()
        with self._lock:
            request = QueuedReport(
                uuid.uuid4(), station_id, period.day, period.cutoff, generated_by, note.strip()
            )
            payload = {
                "id": str(request.id),
                "station_id": station_id,
                "day": period.day.isoformat(),
                "cutoff": period.cutoff.isoformat(),
                "generated_by": generated_by,
                "note": request.note,
            }
            unit.note(self.outbox, self.kind, str(request.id), payload, str(period.day))
            unit.lost = True
            known = self._last.get(("revisions", station_id, period.day)) or []
            provisional = ReportRevision(
                station_id,
                period.day,
                (known[-1].revision + 1) if known else 1,
                figures,
                period.cutoff_text,
                datetime.now(UTC),
                generated_by,
                request.note,
            )
            return provisional, True

    def revisions(self, station_id: str, day: date) -> list[ReportRevision]:
        with self._lock:
            key = ("revisions", station_id, day)
            found = self._read(key, lambda: self.primary.revisions(station_id, day))
        if found is None:
            raise ServerUnavailable()
        return list(found)

    # ---- replay ----------------------------------------------------------------------------------------
    def insert_many_if_absent(self, records: list[QueuedReport], session: Session) -> set[Any]:
        raise NotImplementedError  # replaced by _send: each request is counted on the server

    def _send(self, chunk: list[tuple[Pending, Any]]) -> None:
        """One server transaction: each request counted and filed if its figures are new, with its
        travelling entry naming the revision the server made."""
        with unit_of_work(self._sessions) as session:
            entries = []
            for item, request in chunk:
                period = reporting_day(request.day, request.cutoff)
                figures = self.primary.figures(period.start, period.end)
                revision, created = self.primary.save_revision(
                    request.station_id, period, figures, request.generated_by, request.note, session=session
                )
                travelling = audit_from_payload(item.payload)
                if created and travelling is not None:
                    draft, at = travelling
                    entries.append((replace(draft, detail=f"revision={revision.revision}"), at))
            self.audit.append_many(entries, session=session)
