"""The 14-day observation register: ``observation`` and ``observation_cell``; the ``doctor`` role.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Hand-written like 0002 (types spelled out, index names fixed) so later model changes cannot rewrite it.
New tables need no batch copy on SQLite.  The operator table's role check gains ``doctor`` (who releases
people from observation): on SQLite that is a batch copy of ``operator``, which no other table references;
the old check is found by its name (SQLite's reflection reads named CHECK constraints).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('nurse', 'pharmacist', 'administrator')"
ROLES_AFTER = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor')"


def _key(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _roles(check: str) -> None:
    """Replace the named role check (SQLite: a copy of the table with the reflected constraint dropped)."""
    with op.batch_alter_table("operator") as batch:
        # The naming convention (db.models.NAMING) makes the stored name ck_operator_ck_operator_role, as
        # 0005 did; both engines get the same name back here.
        batch.drop_constraint("ck_operator_role", type_="check")
        batch.create_check_constraint("ck_operator_role", check)


def upgrade() -> None:
    op.create_table(
        "observation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", _key(100), nullable=False),
        sa.Column("name_initial", _key(4), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_number", _key(32), nullable=False),
        sa.Column("phone", _key(32), nullable=False),
        sa.Column("phone_rev", _key(32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("work_unit", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("last_exposure", sa.Date(), nullable=False),
        sa.Column("relation", sa.String(50), nullable=False),
        sa.Column("contact_mode", sa.String(50), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("transport", sa.String(50), nullable=False),
        sa.Column("transport_number", sa.String(50), nullable=False),
        sa.Column("companions", sa.Text(), nullable=False),
        sa.Column("setting", sa.String(8), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("responsible", sa.String(100), nullable=False),
        sa.Column("responsible_phone", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("status_by", sa.String(64), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=True),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("first_slot", sa.Integer(), nullable=False),
        sa.Column("last_slot", sa.Integer(), nullable=False),
        sa.Column("covered_through", sa.Integer(), nullable=False),
        sa.Column("alert", sa.Boolean(), nullable=False),
        sa.Column("last_temperature", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_observation"),
    )
    for columns in (
        ["status", "covered_through", "first_slot", "last_slot"],
        ["status", "release_on", "alert"],
        ["status", "alert"],
        ["id_number", "status"],
        ["source_id"],
        ["created_at"],
        ["status", "status_at"],
        ["name_key"],
        ["phone"],
        ["phone_rev"],
    ):
        op.create_index("ix_observation_" + "_".join(columns), "observation", columns)

    op.create_table(
        "observation_cell",
        sa.Column("observation_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("temperature_source", sa.String(8), nullable=True),
        sa.Column("temperature_mode", sa.String(8), nullable=True),
        sa.Column("temperature_measured_at", sa.DateTime(), nullable=True),
        sa.Column("temperature_device", sa.String(100), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("fever", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name="fk_observation_cell_observation_id_observation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("observation_id", "day", "slot", "version", name="pk_observation_cell"),
    )
    _roles(ROLES_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM operator WHERE role = 'doctor'")  # not representable before 0007
    _roles(ROLES_BEFORE)
    op.drop_table("observation_cell")
    for columns in (
        ["status", "covered_through", "first_slot", "last_slot"],
        ["status", "release_on", "alert"],
        ["status", "alert"],
        ["id_number", "status"],
        ["source_id"],
        ["created_at"],
        ["status", "status_at"],
        ["name_key"],
        ["phone"],
        ["phone_rev"],
    ):
        op.drop_index("ix_observation_" + "_".join(columns), table_name="observation")
    op.drop_table("observation")
