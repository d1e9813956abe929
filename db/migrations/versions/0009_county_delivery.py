"""What this station sent to the county, and the ``county`` role.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

``county_delivery``: one row per signed report this station queued for the county (a daily report's
revision, or the day's report-card counts), with its state (``queued`` → ``sent`` → ``accepted`` |
``refused``) and the county's reason, so the station can say what happened to each and never queue the
same revision twice.  The signed text itself waits in the county outbox file until delivered.

``operator.role`` gains ``county``: the county health commission's administrator, who reads every
point's report (``fever_desk.privacy``).  Batch mode on SQLite copies ``operator`` to change its CHECK;
nothing refers to ``operator`` by a foreign key, so the copy is safe with foreign keys on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"  # given as "0006"; 0008 (report cards) reached main first
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor')"  # as 0008 left it
NEW_ROLES = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor', 'county')"


def _utc() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "county_delivery",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("report_day", sa.Date, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("point_id", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("queued_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc()),
        sa.CheckConstraint("kind IN ('daily', 'cards')", name="ck_county_delivery_kind"),
        sa.CheckConstraint(
            "state IN ('queued', 'sent', 'accepted', 'refused')", name="ck_county_delivery_state"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_county_delivery"),
        sa.UniqueConstraint(
            "kind", "report_day", "revision", name="uq_county_delivery_kind_report_day_revision"
        ),
    )
    with op.batch_alter_table("operator") as batch:
        batch.drop_constraint("ck_operator_role", type_="check")
        batch.create_check_constraint("ck_operator_role", NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM operator WHERE role = 'county'")
    with op.batch_alter_table("operator") as batch:
        batch.drop_constraint("ck_operator_role", type_="check")
        batch.create_check_constraint("ck_operator_role", OLD_ROLES)
    op.drop_table("county_delivery")
