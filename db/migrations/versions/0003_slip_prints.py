"""Referral slip prints: who printed which slip, when, on which printer, and where the PDF is archived.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-10

Types are spelled out (not imported from ``db.models_slips``) so later model changes cannot rewrite what
this revision builds.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slip_print",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("screening_id", sa.Uuid(), nullable=False),
        sa.Column("slip_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("printer", sa.String(200), nullable=False),
        sa.Column("layout", sa.String(8), nullable=False),
        sa.Column("archive_path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            name="fk_slip_print_screening_id_screening",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_slip_print"),
    )
    op.create_index("ix_slip_print_screening_id_printed_at", "slip_print", ["screening_id", "printed_at"])
    op.create_index("ix_slip_print_slip_number", "slip_print", ["slip_number"])


def downgrade() -> None:
    op.drop_table("slip_print")
