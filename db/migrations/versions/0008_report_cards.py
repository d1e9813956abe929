"""Report cards (传染病报告卡) and the doctor's role.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01

``report_card`` holds first reports and corrections alike (a correction is a row of its own pointing at the
first card).  ``ix_report_card_open`` is a partial index of the open cards (``reported_at IS NULL``) by
diagnosis time: the 2-hour clock's list.  The operator table's role check gains ``doctor``; on SQLite that
is a batch copy of the small ``operator`` table (a CHECK cannot be altered in place).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = sa.text("reported_at IS NULL")
ROLES_BEFORE = "role IN ('nurse', 'pharmacist', 'administrator')"
ROLES_AFTER = "role IN ('nurse', 'pharmacist', 'administrator', 'doctor')"


#: 0005's CHECK got its name through the naming convention; this revision's is the plain one.
CHECK_0005 = "ck_operator_ck_operator_role"
CHECK_0008 = "ck_operator_role"


def _role_check(old: str, new: str, condition: str) -> None:
    """Replace the operator table's role CHECK ``old`` by ``new``.  op.f: the names are final (the naming
    convention must not prefix them again)."""
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy of the small table (nothing refers to it): SQLite cannot alter a CHECK in place.
        with op.batch_alter_table("operator", recreate="always") as batch:
            batch.drop_constraint(op.f(old), type_="check")
            batch.create_check_constraint(op.f(new), sa.text(condition))
    else:
        op.execute(f"ALTER TABLE operator DROP CONSTRAINT IF EXISTS {old}")
        op.create_check_constraint(op.f(new), "operator", sa.text(condition))


def upgrade() -> None:
    op.create_table(
        "report_card",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("corrects", sa.Uuid(), nullable=True),
        sa.Column("screening_id", sa.Uuid(), nullable=True),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("diagnosed_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("guardian_name", sa.String(100), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("age_value", sa.Integer(), nullable=True),
        sa.Column("age_unit", sa.String(8), nullable=True),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("work_unit", sa.Text(), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("belongs", sa.String(16), nullable=True),
        sa.Column("occupation", sa.String(32), nullable=False),
        sa.Column("case_class", sa.String(16), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column("death_date", sa.Date(), nullable=True),
        sa.Column("disease", sa.String(64), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("reporting_unit", sa.String(200), nullable=False),
        sa.Column("unit_phone", sa.String(32), nullable=False),
        sa.Column("doctor", sa.String(64), nullable=False),
        sa.Column("filled_on", sa.Date(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_by", sa.String(64), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("reported_by", sa.String(64), nullable=False),
        sa.Column("national_number", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_card"),
    )
    op.create_index("ix_report_card_number", "report_card", ["number"], unique=True)
    op.create_index(
        "ix_report_card_open", "report_card", ["diagnosed_at"], sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index("ix_report_card_diagnosed_at", "report_card", ["diagnosed_at"])
    op.create_index("ix_report_card_screening_id", "report_card", ["screening_id"])
    op.create_index("ix_report_card_corrects", "report_card", ["corrects"])
    _role_check(CHECK_0005, CHECK_0008, ROLES_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM operator WHERE role = 'doctor'")
    _role_check(CHECK_0008, CHECK_0005, ROLES_BEFORE)
    op.drop_table("report_card")
