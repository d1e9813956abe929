"""The tables, as SQLAlchemy 2 typed mappings; the schema itself is created only by the migrations.

Times: every timestamp column is a :class:`UtcDateTime`, which stores *naive UTC* (``timestamp without
time zone`` on PostgreSQL, ISO text on SQLite) and hands back aware UTC datetimes.  Naive UTC compares
correctly as text in SQLite, so the "today" range query is a plain index range; the aware value in
Python means nobody has to guess which zone a time is in.  A naive datetime passed in is taken as
*local* time (Python's own convention for ``astimezone``), which is what ``datetime.now()`` gives.

Search keys: ``name_key`` (the case-folded name), ``name_initial`` (its first character) and ``phone_rev``
(the phone's digits reversed) are derived on save (``fever_desk.search``) so that "name starts with",
"phone starts/ends with" and "ID starts with" are all index range scans. On PostgreSQL those columns use
the ``C`` collation so byte-order ranges are correct there too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def to_utc(value: datetime) -> datetime:
    """Aware UTC; naive input is read as local time (see the module docstring)."""
    return value if value.tzinfo is UTC else value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database (see the module docstring for why)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def key_string(length: int) -> String:
    """A search-key column: byte-order ("C") collation on PostgreSQL so prefix ranges are exact."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, uuid.UUID: Uuid}


def _leading(*args: Any, **kwargs: Any) -> Any:
    """A mixin's column placed before the table's own (SQLAlchemy would put a mixin's columns last), so the
    tables' column order — what ``select(table)`` and a row's snapshot list — is the migrations' order."""
    return mapped_column(*args, sort_order=-1, **kwargs)


class PersonRecord:
    """The columns a versioned record about one person starts with: the screening's and the observation's.

    One definition, so the two tables cannot drift apart in a length, a default or a search key's
    collation.  The tables themselves are still made only by the migrations (0001 and 0010 spell these
    columns out); ``tests/db/test_migrate.py`` compares the migrated schema with these models.  They come
    first in each table, in this order, as they stand in both migrations (``_leading``).
    """

    id: Mapped[uuid.UUID] = _leading(primary_key=True)
    version: Mapped[int] = _leading(Integer, default=1)
    station_id: Mapped[str] = _leading(String(64), default="")
    operator: Mapped[str] = _leading(String(64), default="")
    created_at: Mapped[datetime] = _leading(UtcDateTime)
    updated_at: Mapped[datetime] = _leading(UtcDateTime)

    name: Mapped[str] = _leading(String(100))
    name_key: Mapped[str] = _leading(key_string(100))
    name_initial: Mapped[str] = _leading(key_string(4), default="")
    sex: Mapped[str] = _leading(String(8))
    age: Mapped[int | None] = _leading(Integer)
    birth_date: Mapped[date | None] = _leading(Date)
    id_number: Mapped[str] = _leading(key_string(32), default="")
    phone: Mapped[str] = _leading(key_string(32), default="")
    phone_rev: Mapped[str] = _leading(key_string(32), default="")
    address: Mapped[str] = _leading(Text, default="")


class ScreeningRow(PersonRecord, Base):
    """The current version of each screening; earlier versions live in ``screening_revision``."""

    __tablename__ = "screening"

    temperature_c: Mapped[float | None] = mapped_column(Float)
    temperature_source: Mapped[str | None] = mapped_column(String(8))
    temperature_mode: Mapped[str | None] = mapped_column(String(8))
    temperature_measured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    temperature_device: Mapped[str | None] = mapped_column(String(100))

    onset_date: Mapped[date | None] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    guideline_id: Mapped[str | None] = mapped_column(String(64))
    disposition: Mapped[str | None] = mapped_column(String(16))
    fever: Mapped[bool | None] = mapped_column(Boolean(create_constraint=False))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # Today's list (range on created_at, newest first) and the day counts read only this index.
        Index(None, "created_at", "disposition", "fever"),
        # Search: a prefix range on the key, with created_at checked inside the index.
        Index(None, "name_key", "created_at"),
        # A surname in a day: equality on the initial, then the day's range, newest first (db/search.py).
        Index(None, "name_initial", "created_at", "name_key"),
        Index(None, "phone", "created_at"),
        Index(None, "phone_rev", "created_at"),
        Index(None, "id_number", "created_at"),
    )


class ScreeningRevisionRow(Base):
    """A replaced version: the full row as it was (``snapshot``), and who replaced it, when and why."""

    __tablename__ = "screening_revision"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    screening_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("screening.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index(None, "screening_id", "version", unique=True),)


SCREENING = ScreeningRow.__table__
REVISION = ScreeningRevisionRow.__table__
