"""Operators and the audit trail: ``operator``, ``audit_log`` and its one-row ``audit_head``.

``operator.failed_count`` / ``locked_until`` hold the wrong-password backoff in the database (not in the
window) so that restarting the desk, or trying at another desk sharing a PostgreSQL database, does not
reset it.  ``audit_log`` is append-only (triggers refuse UPDATE and DELETE, see migration 0005) and
hash-chained (``fever_desk.audit``); ``audit_head`` holds the last sequence and hash, is the row every
appender locks, and lets verification notice that the newest entries were deleted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UtcDateTime


class OperatorRow(Base):
    __tablename__ = "operator"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change: Mapped[bool] = mapped_column(Boolean(create_constraint=False), default=False)
    disabled: Mapped[bool] = mapped_column(Boolean(create_constraint=False), default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("role IN ('nurse', 'pharmacist', 'administrator', 'doctor')", name="role"),
    )


class AuditLogRow(Base):
    __tablename__ = "audit_log"

    # The sequence is the key: two appenders that somehow read the same head fail on insert rather than
    # forking the chain.
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str] = mapped_column(String(64))
    station_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))
    record_kind: Mapped[str] = mapped_column(String(24), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index(None, "at"),  # the browser's date filter, newest first
        Index(None, "operator", "sequence"),
        Index(None, "record_kind", "record_id"),  # "who looked at this record?"
    )


class AuditHeadRow(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


OPERATOR = OperatorRow.__table__
AUDIT_LOG = AuditLogRow.__table__
AUDIT_HEAD = AuditHeadRow.__table__
