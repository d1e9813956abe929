"""The ``report_card`` table: one row per report card (传染病报告卡), first reports and corrections alike.

A correction is a row of its own (``kind`` = correction, ``corrects`` = the first card's id): nothing is
overwritten.  ``screening_id`` and ``corrects`` are plain columns, not foreign keys, so the retention purge
can delete old cards and old screenings in either order.  Personal fields are stored as the screening's are
(inside the SQLCipher-encrypted file, or the clinic's server) and masked wherever they are listed.

The open-cards list (``reported_at IS NULL``, oldest diagnosis first) reads a partial index that holds only
the open cards, so it costs the same with 100 or 100,000 reported cards in the table.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UtcDateTime

OPEN = text("reported_at IS NULL")


class ReportCardRow(Base):
    __tablename__ = "report_card"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    corrects: Mapped[uuid.UUID | None] = mapped_column()
    screening_id: Mapped[uuid.UUID | None] = mapped_column()
    station_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    diagnosed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    name: Mapped[str] = mapped_column(String(100), default="")
    guardian_name: Mapped[str] = mapped_column(String(100), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    age_value: Mapped[int | None] = mapped_column(Integer)
    age_unit: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(32), default="")
    work_unit: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[dict[str, Any]] = mapped_column(JSON)
    belongs: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str] = mapped_column(String(32), default="")
    case_class: Mapped[str] = mapped_column(String(16))
    onset_date: Mapped[date | None] = mapped_column(Date)
    death_date: Mapped[date | None] = mapped_column(Date)
    disease: Mapped[str] = mapped_column(String(64))
    remarks: Mapped[str] = mapped_column(Text, default="")
    reporting_unit: Mapped[str] = mapped_column(String(200), default="")
    unit_phone: Mapped[str] = mapped_column(String(32), default="")
    doctor: Mapped[str] = mapped_column(String(64), default="")
    filled_on: Mapped[date | None] = mapped_column(Date)

    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str] = mapped_column(String(64), default="")
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_by: Mapped[str] = mapped_column(String(64), default="")
    national_number: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        Index(None, "number", unique=True),
        # The 2-hour clock: only the open cards, oldest diagnosis first.
        Index("ix_report_card_open", "diagnosed_at", sqlite_where=OPEN, postgresql_where=OPEN),
        # The day's cards (export, daily report) and the retention purge.
        Index(None, "diagnosed_at"),
        Index(None, "screening_id"),
        Index(None, "corrects"),
    )


REPORT_CARD = ReportCardRow.__table__
