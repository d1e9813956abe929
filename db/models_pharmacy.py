"""The pharmacy register's tables: one ``purchase`` row per registration, its drugs in ``purchase_drug``.

Same conventions as ``db/models.py``: aware UTC in Python, naive UTC in the database; ``name_key``,
``name_initial`` and ``phone_rev`` are derived search keys so that "name starts with", "phone ends with"
and "ID is" are index range scans (each index also carries ``created_at``, so the date window is checked
inside the index). ``id_number`` + ``created_at`` also serves the repeat-purchase check ("this ID in the
last N days"). ``fever`` and ``epidemiological`` (any "yes") are stored as columns so the day's counts
read the ``created_at`` index alone. Drug lines are a child table (several per visit, filtered by category
in later reports), deleted with their purchase.  ``medicines`` is those lines as the register list shows
them (``fever_desk.day_lines.medicines_text``), written with the purchase (a purchase is never changed
once saved), so the day list reads one column instead of aggregating the drug lines of every row it shows
(migration 0011).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UtcDateTime, key_string


class PurchaseRow(Base):
    __tablename__ = "purchase"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), default="")
    operator: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(key_string(100))
    name_initial: Mapped[str] = mapped_column(key_string(4), default="")
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    document_type: Mapped[str] = mapped_column(String(24))
    id_number: Mapped[str] = mapped_column(key_string(32))
    phone: Mapped[str] = mapped_column(key_string(32))
    phone_rev: Mapped[str] = mapped_column(key_string(32))
    address: Mapped[str] = mapped_column(Text, default="")
    community: Mapped[str] = mapped_column(String(100), default="")

    temperature_c: Mapped[float] = mapped_column(Float)
    temperature_source: Mapped[str] = mapped_column(String(8))
    temperature_mode: Mapped[str] = mapped_column(String(8))
    temperature_measured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    temperature_device: Mapped[str] = mapped_column(String(100), default="")

    guideline_id: Mapped[str] = mapped_column(String(64), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    fever: Mapped[bool] = mapped_column(Boolean(create_constraint=False))
    epidemiological: Mapped[bool] = mapped_column(Boolean(create_constraint=False))
    advice: Mapped[str] = mapped_column(String(16))
    for_other: Mapped[bool] = mapped_column(Boolean(create_constraint=False))
    other: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    medicines: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        Index(None, "created_at", "fever", "epidemiological"),
        Index(None, "name_key", "created_at"),
        Index(None, "name_initial", "created_at", "name_key"),
        Index(None, "phone", "created_at"),
        Index(None, "phone_rev", "created_at"),
        Index(None, "id_number", "created_at"),
    )


class PurchaseDrugRow(Base):
    __tablename__ = "purchase_drug"

    purchase_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("purchase.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8))


PURCHASE = PurchaseRow.__table__
PURCHASE_DRUG = PurchaseDrugRow.__table__
