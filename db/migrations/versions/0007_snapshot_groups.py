"""snapshot groups (each snapshot summed per branch, product, channel, officer, first_due and override) and a
partial index on the snapshots' past-due rows

At a million loans a portfolio read a date's million snapshot rows; the groups of a date are a few tens of
thousands. The overdue list, vintage and the weekly review want only the past-due rows
of a date, a few per cent of it. Roll groups hold each month's roll-rate outcomes per dimension (built by
`postloan refresh`). Periodic checks read a product's loans disbursed in given months,
agency scores the promises falling due in a period.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAST_DUE = sa.text("first_due IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "snapshot_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=True),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=True),
        sa.Column("override_rank", sa.Integer(), nullable=False),
        sa.Column("loans", sa.Integer(), nullable=False),
        sa.Column("op_cents", sa.BigInteger(), nullable=False),
        sa.Column("overdue_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_groups")),
    )
    op.create_index("ix_snapshot_groups_as_of", "snapshot_groups", ["as_of"])
    # The groups of the snapshots already built: the same statement as dashboard.kpi.groups.build.
    op.execute(
        """
        INSERT INTO snapshot_groups (as_of, branch_id, product_id, channel_id, officer_id, first_due,
                                     override_rank, loans, op_cents, overdue_cents)
        SELECT s.as_of, l.branch_id, l.product_id, l.channel_id, l.officer_id, s.first_due, s.override_rank,
               count(*), sum(s.op_cents), sum(s.overdue_cents)
        FROM loan_state_snapshots s JOIN loans l ON l.loan_id = s.loan_id
        WHERE s.active = 1
        GROUP BY s.as_of, l.branch_id, l.product_id, l.channel_id, l.officer_id, s.first_due, s.override_rank
        """
    )
    op.create_index(
        "ix_loan_state_snapshots_past_due",
        "loan_state_snapshots",
        ["as_of", "first_due"],
        postgresql_where=PAST_DUE,
        sqlite_where=PAST_DUE,
    )
    op.create_table(
        "roll_months",
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("end_on", name=op.f("pk_roll_months")),
    )
    op.create_table(
        "roll_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=True),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("start_bucket", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Integer(), nullable=False),
        sa.Column("destination", sa.Integer(), nullable=False),
        sa.Column("loans", sa.Integer(), nullable=False),
        sa.Column("op_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["end_on"],
            ["roll_months.end_on"],
            name=op.f("fk_roll_groups_end_on_roll_months"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roll_groups")),
    )
    op.create_index("ix_roll_groups_end_on", "roll_groups", ["end_on"])
    op.create_index("ix_loans_product_disbursed", "loans", ["product_id", "disbursed_on"])
    promised = sa.text("ptp_on IS NOT NULL")
    op.create_index(
        "ix_collection_actions_ptp",
        "collection_actions",
        ["ptp_on"],
        postgresql_where=promised,
        sqlite_where=promised,
    )
    op.execute("ANALYZE")


def downgrade() -> None:
    op.drop_index("ix_collection_actions_ptp", table_name="collection_actions")
    op.drop_index("ix_loans_product_disbursed", table_name="loans")
    op.drop_index("ix_loan_state_snapshots_past_due", table_name="loan_state_snapshots")
    op.drop_index("ix_roll_groups_end_on", table_name="roll_groups")
    op.drop_table("roll_groups")
    op.drop_table("roll_months")
    op.drop_index("ix_snapshot_groups_as_of", table_name="snapshot_groups")
    op.drop_table("snapshot_groups")
