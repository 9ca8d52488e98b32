"""classification: DPD floors per product, override proposals with a second approver

`products.dpd_floors` ("S/D/L", e.g. 90/120/180 for a credit card; NULL: the settings' floors). Class is
derived from DPD at query time (snapshots keep the oldest unpaid due date, not the class), so no snapshot
needs rebuilding when floors change.

`classification_proposals`: a proposed class takes effect only when a risk manager other than the proposer
approves it (the approval writes the classification_overrides row). The CHECKs back the service's rules:
status enum, a reason and a trigger, never approved by the proposer, a decision with who, when and a
comment; a partial unique index keeps one pending proposal per loan.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("dpd_floors", sa.String(length=20), nullable=True))
    op.create_table(
        "classification_proposals",
        sa.Column("proposal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("classification", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("triggers", sa.String(length=300), nullable=False),
        sa.Column("other_trigger", sa.Text(), nullable=True),
        sa.Column("inspection_id", sa.String(length=40), nullable=True),
        sa.Column("proposed_by", sa.String(length=40), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')",
            name=op.f("ck_classification_proposals_classification_enum"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_classification_proposals_status_enum"),
        ),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_classification_proposals_reason_required")
        ),
        sa.CheckConstraint("length(triggers) > 0", name=op.f("ck_classification_proposals_trigger_required")),
        sa.CheckConstraint(
            "other_trigger IS NULL OR length(trim(other_trigger)) > 0",
            name=op.f("ck_classification_proposals_other_trigger_not_blank"),
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> proposed_by",
            name=op.f("ck_classification_proposals_not_self_approved"),
        ),
        sa.CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND effective_on IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL"
            " AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name=op.f("ck_classification_proposals_decided_with_comment"),
        ),
        sa.CheckConstraint(
            "effective_on IS NULL OR status = 'approved'",
            name=op.f("ck_classification_proposals_effective_when_approved"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_classification_proposals_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.inspection_id"],
            name=op.f("fk_classification_proposals_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["staff.staff_id"], name=op.f("fk_classification_proposals_proposed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.staff_id"], name=op.f("fk_classification_proposals_decided_by_staff")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_classification_proposals")),
    )
    op.create_index(
        "ix_classification_proposals_loan_id", "classification_proposals", ["loan_id"], unique=False
    )
    op.create_index(
        "ix_classification_proposals_status_at",
        "classification_proposals",
        ["status", "proposed_at"],
        unique=False,
    )
    op.create_index(
        "uq_classification_proposals_pending_loan",
        "classification_proposals",
        ["loan_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("classification_proposals")
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the table loans refer to.
    op.drop_column("products", "dpd_floors")
