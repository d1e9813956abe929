"""The observation register's tables: one ``observation`` row per person observed, one
``observation_cell`` row per version of a half-day of their grid.

Same conventions as ``db/models.py``: aware UTC in Python, naive UTC in the database, derived search keys
(``name_key``, ``name_initial``, ``phone_rev``) so the register's search box is an index range scan.  Personal
fields are plain columns, like the screenings': the SQLite file is encrypted whole (SQLCipher,
``db.cipher``), lists and files mask them (``fever_desk.privacy``), and a purge deletes them
(``db.retention``).

The worklist must answer for 100,000 people in a few milliseconds, so each observation keeps the numbers
the rules need (``fever_desk.observation.rules``) as indexed columns, updated in the same unit of work as
the cell that moves them: ``first_slot``/``last_slot`` (the half-days expected), ``covered_through`` (the
newest half-day filled), ``alert`` (a fever or symptom not yet referred) and ``release_on`` (day 15).
"due", "overdue" and "lost" are then range conditions on ``(status, covered_through)``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, PersonRecord, UtcDateTime


class ObservationRow(PersonRecord, Base):
    """One person observed: the person (``db.models.PersonRecord``, as a screening's), the exposure, the
    placement, the source record, the status and the rules' indexed numbers."""

    __tablename__ = "observation"

    work_unit: Mapped[str] = mapped_column(String(200), default="")

    kind: Mapped[str] = mapped_column(String(16))
    last_exposure: Mapped[date] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(50), default="")
    contact_mode: Mapped[str] = mapped_column(String(50), default="")
    origin: Mapped[str] = mapped_column(String(200), default="")
    transport: Mapped[str] = mapped_column(String(50), default="")
    transport_number: Mapped[str] = mapped_column(String(50), default="")
    companions: Mapped[str] = mapped_column(Text, default="")

    setting: Mapped[str] = mapped_column(String(8))
    place: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(100), default="")
    responsible_phone: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64), default="")

    status: Mapped[str] = mapped_column(String(16))
    status_on: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_by: Mapped[str] = mapped_column(String(64), default="")
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when released, referred or lost

    release_on: Mapped[date] = mapped_column(Date)
    first_slot: Mapped[int] = mapped_column(Integer)
    last_slot: Mapped[int] = mapped_column(Integer)
    covered_through: Mapped[int] = mapped_column(Integer)
    alert: Mapped[bool] = mapped_column(Boolean(create_constraint=False), default=False)
    last_temperature: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        # The worklist: due / overdue / lost are ranges on covered_through among the active; the period's
        # bounds ride along so a section's count reads the index alone (bench/bench_observation.py).
        Index(None, "status", "covered_through", "first_slot", "last_slot"),
        Index(None, "status", "release_on", "alert"),
        # Fever: few people.  Not covered_through here: a half-day saved then moves one index, not two.
        Index(None, "status", "alert"),
        # "already under observation?" by ID number, and by the screening or purchase it came from.
        Index(None, "id_number", "status"),
        Index(None, "source_id"),
        # The register's search box and the daily figures.
        Index(None, "created_at"),
        Index(None, "status", "status_at"),  # the daily report's released / referred
        Index(None, "name_key"),
        Index(None, "phone"),
        Index(None, "phone_rev"),
    )


class ObservationCellRow(Base):
    """A version of one half-day; the highest version of (observation, day, slot) is the current one."""

    __tablename__ = "observation_cell"

    observation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    slot: Mapped[str] = mapped_column(String(12), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)

    temperature_c: Mapped[float | None] = mapped_column(Float)
    temperature_source: Mapped[str | None] = mapped_column(String(8))
    temperature_mode: Mapped[str | None] = mapped_column(String(8))
    temperature_measured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    temperature_device: Mapped[str] = mapped_column(String(100), default="")
    symptoms: Mapped[dict[str, Any]] = mapped_column(JSON)
    fever: Mapped[bool] = mapped_column(Boolean(create_constraint=False), default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")


OBSERVATION = ObservationRow.__table__
OBSERVATION_CELL = ObservationCellRow.__table__
