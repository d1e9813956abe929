"""The county's tables (SQLAlchemy Core, own ``MetaData``; created only by ``db/county/migrations``).

- ``county_point``: every registered point, its place (9-digit township code, see
  ``fever_desk.county.points``) and, once enrolled, its Ed25519 public key.
- ``county_enrolment``: one-time codes, stored as SHA-256 so a copy of the table enrols nobody.
- ``county_inbox``: what stations sent, exactly as sent (text + signature), with the server's own
  receipt time and the verdict (``pending`` → ``accepted`` | ``refused`` + reason).  Stations may only
  insert the sent columns and read the verdict columns (see the migration's grants).  Unique on
  (point, kind, day, revision, signature, md5(text)): the same signed report sent twice is stored once.
- ``county_report``: accepted daily reports, one row per revision, unique on (point, day, revision);
  the main figures as columns for the totals, all of them in ``figures``.
- ``county_card_count``: accepted report-card counts per (point, day, revision).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from db.models import NAMING

metadata = MetaData(naming_convention=NAMING)
STATION_ROLE = "fever_county_station"
KINDS = ("clinic", "township_centre", "pharmacy")
FIGURE_COLUMNS = ("screened", "fever", "fever_clinic", "suspected", "purchasers", "purchasers_flagged")

POINT = Table(
    "county_point",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("township_code", String(9, collation="C"), nullable=False),
    Column("township", Text, nullable=False, server_default=""),
    Column("contact", Text, nullable=False, server_default=""),
    Column("active_from", Date, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("public_key", Text),
    Column("enrolled_at", DateTime(timezone=True)),
    CheckConstraint("kind IN ('clinic', 'township_centre', 'pharmacy')", name="kind"),
    CheckConstraint("township_code ~ '^[1-9][0-9]{8}$'", name="township_code"),
    Index(None, "township_code"),
)

ENROLMENT = Table(
    "county_enrolment",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("point_id", Integer, ForeignKey("county_point.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

INBOX = Table(
    "county_inbox",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("point_id", Integer, nullable=False),  # no foreign key: an unknown point must be refusable
    Column("kind", String(8), nullable=False),
    Column("day", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("signature", Text, nullable=False, server_default=""),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("state", String(8), nullable=False, server_default="pending"),
    Column("reason", Text, nullable=False, server_default=""),
    Column("checked_at", DateTime(timezone=True)),
    CheckConstraint("state IN ('pending', 'accepted', 'refused')", name="state"),
    Index(
        "uq_county_inbox_sent",
        "point_id",
        "kind",
        "day",
        "revision",
        "signature",
        text("md5(body)"),
        unique=True,
    ),
    Index("ix_county_inbox_pending", "id", postgresql_where=text("state = 'pending'")),
)

REPORT = Table(
    "county_report",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("point_id", Integer, ForeignKey("county_point.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("zero", Boolean, nullable=False),
    *(Column(name, Integer, nullable=False, server_default="0") for name in FIGURE_COLUMNS),
    Column("figures", JSONB, nullable=False),
    Column("body", Text, nullable=False),
    Column("signature", Text, nullable=False),
    UniqueConstraint("point_id", "day", "revision"),
    Index(
        "ix_county_report_day_point_id_revision",
        "day",
        "point_id",
        text("revision DESC"),
        postgresql_include=["zero", "screened", "fever", "suspected"],
    ),
)

CARD_COUNT = Table(
    "county_card_count",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("point_id", Integer, ForeignKey("county_point.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("cards", JSONB, nullable=False),
    Column("body", Text, nullable=False),
    Column("signature", Text, nullable=False),
    UniqueConstraint("point_id", "day", "revision"),
)
