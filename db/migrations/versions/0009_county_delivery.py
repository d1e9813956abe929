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
from alembic import context, op

revision = "0009"
down_revision = "0008"  # given as "0006"; 0008 (report cards) reached main first
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor')"  # as 0008 left it
NEW_ROLES = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor', 'county')"


def _utc() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=False)


def _role_checks() -> list[str]:
    """The role CHECK's name as the database has it: 0005 named it through the naming convention on one
    engine and literally on the other, so read it rather than guess (offline SQL: PostgreSQL's name)."""
    if context.is_offline_mode():
        return ["ck_operator_role"]
    checks = sa.inspect(op.get_bind()).get_check_constraints("operator")
    return [c["name"] for c in checks if c.get("name") and "role" in c["sqltext"]]


def _replace_role_check(roles: str) -> None:
    with op.batch_alter_table("operator") as batch:
        for name in _role_checks():
            batch.drop_constraint(op.f(name), type_="check")
        batch.create_check_constraint(op.f("ck_operator_role"), roles)


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
    _replace_role_check(NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM operator WHERE role = 'county'")
    _replace_role_check(OLD_ROLES)
    op.drop_table("county_delivery")
