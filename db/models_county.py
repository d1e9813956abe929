"""The station's record of what it sent to the county (``county_delivery``, migration 0009).

One row per signed report queued for the county: a daily report's revision or the day's report-card
counts.  ``state`` moves ``queued`` → ``sent`` (the county's inbox has it) → ``accepted`` | ``refused``
(the county's verdict, with its ``reason``); the station shows it and never queues a revision twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class CountyDeliveryRow(Base):
    __tablename__ = "county_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    report_day: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    point_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, server_default="", default="")
    queued_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("kind IN ('daily', 'cards')", name="kind"),
        CheckConstraint("state IN ('queued', 'sent', 'accepted', 'refused')", name="state"),
        UniqueConstraint("kind", "report_day", "revision"),
    )


DELIVERY = CountyDeliveryRow.__table__
