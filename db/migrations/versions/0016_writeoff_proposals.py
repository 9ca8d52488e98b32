"""Write-off proposals (issue 18): a write-off proposed in the app with the principal to write off, a reason
and the write-off day, decided by a second person (maker-checker, as restructuring_proposals). One proposal
waits per loan and one is approved per loan (partial unique indexes); the approval sets loans.written_off_on.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "writeoff_proposals",
        sa.Column("proposal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("written_off_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=40), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL) OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name=op.f("ck_writeoff_proposals_decided_with_comment"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_writeoff_proposals_status_enum")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_writeoff_proposals_amount_positive")),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> proposed_by",
            name=op.f("ck_writeoff_proposals_not_self_approved"),
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_writeoff_proposals_reason_required")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.staff_id"], name=op.f("fk_writeoff_proposals_decided_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_writeoff_proposals_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["staff.staff_id"], name=op.f("fk_writeoff_proposals_proposed_by_staff")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_writeoff_proposals")),
    )
    with op.batch_alter_table("writeoff_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_writeoff_proposals_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(
            "uq_writeoff_proposals_approved_loan",
            ["loan_id"],
            unique=True,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.create_index(
            "uq_writeoff_proposals_pending_loan",
            ["loan_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("writeoff_proposals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_writeoff_proposals_pending_loan",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(
            "uq_writeoff_proposals_approved_loan",
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
        batch_op.drop_index(batch_op.f("ix_writeoff_proposals_loan_id"))

    op.drop_table("writeoff_proposals")
