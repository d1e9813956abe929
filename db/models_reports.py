"""The report tables: results received back for a screening, and every generation of a daily report.

``screening_followup`` keeps each result the fever clinic or the designated hospital sent back
(suspected / confirmed / excluded); a screening may get several as the diagnosis firms up, and the
latest counts.  Its integer key breaks ties between two results recorded in the same instant, so
"latest" is always one row.  ``daily_report`` keeps every revision of a station's report for a
reporting day, with who generated it and when: a correction never overwrites what was sent.  The
figures are a JSON object (see ``fever_desk.reporting.revision_payload``) so that a figure added later
does not need a migration; a revision that lacks it reads it as 0.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UtcDateTime

RESULTS = ("suspected", "confirmed", "excluded")


class ScreeningFollowupRow(Base):
    __tablename__ = "screening_followup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    screening_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("screening.id", ondelete="RESTRICT"))
    result: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("result IN ('suspected', 'confirmed', 'excluded')", name="result"),
        # A screening's results, newest last (the follow-up dialog, "the latest counts").
        Index(None, "screening_id", "recorded_at"),
        # The report: results received in a period.
        Index(None, "recorded_at", "screening_id"),
    )


class DailyReportRow(Base):
    __tablename__ = "daily_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(64))
    report_day: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    generated_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("station_id", "report_day", "revision"),)


FOLLOWUP = ScreeningFollowupRow.__table__
DAILY_REPORT = DailyReportRow.__table__
