"""The pharmacy register: purchases of fever and cough medicine and the drugs bought.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-10

Hand-written like 0001 (types spelled out, index names fixed) so later model changes cannot rewrite it.
Only new tables are created, which needs no batch copy on SQLite; the drop in ``downgrade`` is likewise
safe in batch mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "purchase",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", _key(100), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("document_type", sa.String(24), nullable=False),
        sa.Column("id_number", _key(32), nullable=False),
        sa.Column("phone", _key(32), nullable=False),
        sa.Column("phone_rev", _key(32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("community", sa.String(100), nullable=False),
        sa.Column("temperature_c", sa.Float(), nullable=False),
        sa.Column("temperature_source", sa.String(8), nullable=False),
        sa.Column("temperature_mode", sa.String(8), nullable=False),
        sa.Column("temperature_measured_at", sa.DateTime(), nullable=True),
        sa.Column("temperature_device", sa.String(100), nullable=False),
        sa.Column("guideline_id", sa.String(64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("fever", sa.Boolean(), nullable=False),
        sa.Column("epidemiological", sa.Boolean(), nullable=False),
        sa.Column("advice", sa.String(16), nullable=False),
        sa.Column("for_other", sa.Boolean(), nullable=False),
        sa.Column("other", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_purchase"),
    )
    op.create_index(
        "ix_purchase_created_at_fever_epidemiological", "purchase", ["created_at", "fever", "epidemiological"]
    )
    op.create_index("ix_purchase_name_key_created_at", "purchase", ["name_key", "created_at"])
    op.create_index("ix_purchase_phone_created_at", "purchase", ["phone", "created_at"])
    op.create_index("ix_purchase_phone_rev_created_at", "purchase", ["phone_rev", "created_at"])
    op.create_index("ix_purchase_id_number_created_at", "purchase", ["id_number", "created_at"])

    op.create_table(
        "purchase_drug",
        sa.Column("purchase_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name="fk_purchase_drug_purchase_id_purchase",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("purchase_id", "line", name="pk_purchase_drug"),
    )


def downgrade() -> None:
    op.drop_table("purchase_drug")
    op.drop_table("purchase")
