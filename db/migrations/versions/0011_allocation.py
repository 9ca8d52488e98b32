"""allocation: assignments in the extract, recall reasons, an officer history per loan

`collector_assignments.assignment_id` becomes a text key like every key of the extract (assignments.csv
brings its own; the app makes `AS…` ids), an assignment must hold the loan on at least one day
(`ended_on > assigned_on`: rows ending on their start day held it on none and are deleted), and a loan has
at most one open assignment (earlier open ones end where the next begins).

`placements.recall_reason`: a recall made in the app says why.

`officer_history`: who was each loan's account officer from when to when (end exclusive), backfilled
with the loans' current officer since disbursement.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DELETE FROM collector_assignments WHERE ended_on IS NOT NULL AND ended_on <= assigned_on")
    # Two open assignments of one loan: the earlier ends where the later begins.
    op.execute(
        "UPDATE collector_assignments SET ended_on = ("
        " SELECT min(later.assigned_on) FROM collector_assignments later"
        " WHERE later.loan_id = collector_assignments.loan_id AND later.ended_on IS NULL"
        " AND later.assigned_on > collector_assignments.assigned_on)"
        " WHERE ended_on IS NULL AND EXISTS ("
        " SELECT 1 FROM collector_assignments later"
        " WHERE later.loan_id = collector_assignments.loan_id AND later.ended_on IS NULL"
        " AND later.assigned_on > collector_assignments.assigned_on)"
    )
    if dialect == "postgresql":
        op.execute("ALTER TABLE collector_assignments ALTER COLUMN assignment_id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS collector_assignments_assignment_id_seq")
    with op.batch_alter_table("collector_assignments") as batch:
        batch.alter_column(
            "assignment_id",
            existing_type=sa.Integer(),
            type_=sa.String(length=40),
            existing_nullable=False,
            postgresql_using="assignment_id::text",
        )
        batch.drop_constraint("ended_after_assigned", type_="check")
        batch.create_check_constraint("ended_after_assigned", "ended_on IS NULL OR ended_on > assigned_on")
    op.create_index(
        "uq_collector_assignments_open_loan",
        "collector_assignments",
        ["loan_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    with op.batch_alter_table("placements") as batch:
        batch.add_column(sa.Column("recall_reason", sa.Text(), nullable=True))
        batch.create_check_constraint(
            "recall_reason_not_blank",
            "recall_reason IS NULL OR (recalled_on IS NOT NULL AND length(trim(recall_reason)) > 0)",
        )
    op.create_table(
        "officer_history",
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.CheckConstraint("to_on IS NULL OR to_on > from_on", name=op.f("ck_officer_history_to_after_from")),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loans.loan_id"],
            name=op.f("fk_officer_history_loan_id_loans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff.staff_id"], name=op.f("fk_officer_history_officer_id_staff")
        ),
        sa.PrimaryKeyConstraint("loan_id", "from_on", name=op.f("pk_officer_history")),
    )
    op.create_index("ix_officer_history_officer", "officer_history", ["officer_id", "from_on"])
    op.create_index(
        "ix_officer_history_closed",
        "officer_history",
        ["loan_id"],
        sqlite_where=sa.text("to_on IS NOT NULL"),
        postgresql_where=sa.text("to_on IS NOT NULL"),
    )
    op.create_index(
        "uq_officer_history_open_loan",
        "officer_history",
        ["loan_id"],
        unique=True,
        sqlite_where=sa.text("to_on IS NULL"),
        postgresql_where=sa.text("to_on IS NULL"),
    )
    op.execute(
        "INSERT INTO officer_history (loan_id, from_on, officer_id, to_on)"
        " SELECT loan_id, disbursed_on, officer_id, NULL FROM loans"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("uq_officer_history_open_loan", table_name="officer_history")
    op.drop_index("ix_officer_history_closed", table_name="officer_history")
    op.drop_index("ix_officer_history_officer", table_name="officer_history")
    op.drop_table("officer_history")
    with op.batch_alter_table("placements") as batch:
        batch.drop_constraint("recall_reason_not_blank", type_="check")
        batch.drop_column("recall_reason")
    op.drop_index("uq_collector_assignments_open_loan", table_name="collector_assignments")
    with op.batch_alter_table("collector_assignments") as batch:
        batch.drop_constraint("ended_after_assigned", type_="check")
        batch.create_check_constraint("ended_after_assigned", "ended_on IS NULL OR ended_on >= assigned_on")
    # Ids made since (text) cannot become integers again: those rows go.
    digits = "assignment_id !~ '^[0-9]+$'" if dialect == "postgresql" else "assignment_id GLOB '*[^0-9]*'"
    op.execute(f"DELETE FROM collector_assignments WHERE {digits}")
    with op.batch_alter_table("collector_assignments") as batch:
        batch.alter_column(
            "assignment_id",
            existing_type=sa.String(length=40),
            type_=sa.Integer(),
            existing_nullable=False,
            postgresql_using="assignment_id::integer",
        )
