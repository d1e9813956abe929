"""Daily reports: results received back per screening, and every revision of a station's daily report.

Revision ID: 0004
Revises: 0003
Create Date: 2026-05-11

Hand-written like the others (types spelled out, constraint names fixed) so later model changes cannot
rewrite what this revision builds.  Only new tables: no batch copy needed on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_followup",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("screening_id", sa.Uuid(), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "result IN ('suspected', 'confirmed', 'excluded')", name="ck_screening_followup_result"
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            name="fk_screening_followup_screening_id_screening",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screening_followup"),
    )
    op.create_index(
        "ix_screening_followup_screening_id_recorded_at",
        "screening_followup",
        ["screening_id", "recorded_at"],
    )
    op.create_index(
        "ix_screening_followup_recorded_at_screening_id",
        "screening_followup",
        ["recorded_at", "screening_id"],
    )
    op.create_table(
        "daily_report",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("report_day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("generated_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_daily_report"),
        sa.UniqueConstraint(
            "station_id", "report_day", "revision", name="uq_daily_report_station_id_report_day_revision"
        ),
    )


def downgrade() -> None:
    op.drop_table("daily_report")
    op.drop_table("screening_followup")
