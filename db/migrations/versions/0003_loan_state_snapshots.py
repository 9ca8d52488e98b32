"""loan state snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "snapshot_dates",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_snapshot_dates")),
    )
    op.create_table(
        "loan_state_snapshots",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("op_cents", sa.BigInteger(), nullable=False),
        sa.Column("overdue_cents", sa.BigInteger(), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=True),
        sa.Column("override_rank", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loans.loan_id"],
            name=op.f("fk_loan_state_snapshots_loan_id_loans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("as_of", "loan_id", name=op.f("pk_loan_state_snapshots")),
    )
    with op.batch_alter_table("loan_state_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_loan_state_snapshots_loan", ["loan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("loan_state_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_state_snapshots_loan")

    op.drop_table("loan_state_snapshots")
    op.drop_table("snapshot_dates")
