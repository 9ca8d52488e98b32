"""NPL disposal (issue 18): legal cases and their stage timeline, restructurings with proposals and a
second approver, and the asset_preservation user role.

`legal_cases` (from the extract's legal_cases.csv or the app's form) with `legal_case_stages`, one row per
stage a case entered: a move back to an earlier stage needs a reason (a CHECK ranks the stages).
`restructurings` (restructurings.csv, or written by an approved `restructuring_proposals` row): the loan is
at least substandard for the observation period after restructured_on (dashboard.kpi.restructured).
`users.role` may be asset_preservation: its scope is the legal and written-off loans of its subtree.

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

OLD_ROLES = "'admin', 'manager', 'risk_manager', 'officer', 'collector', 'agency', 'auditor'"
NEW_ROLES = f"{OLD_ROLES}, 'asset_preservation'"


revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_cases",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("court", sa.String(length=200), nullable=True),
        sa.Column("case_number", sa.String(length=80), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("claimed", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("awarded", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("recovered", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("costs", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("lawyer", sa.String(length=200), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("next_hearing_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "stage = 'preparing' OR filed_on IS NOT NULL",
            name=op.f("ck_legal_cases_filed_when_past_preparing"),
        ),
        sa.CheckConstraint(
            "stage IN ('preparing', 'filed', 'judgment', 'enforcement', 'closed')",
            name=op.f("ck_legal_cases_stage_enum"),
        ),
        sa.CheckConstraint(
            "awarded IS NULL OR recovered <= awarded OR (note IS NOT NULL AND length(trim(note)) > 0)",
            name=op.f("ck_legal_cases_recovered_within_awarded"),
        ),
        sa.CheckConstraint(
            "claimed >= 0 AND (awarded IS NULL OR awarded >= 0) AND recovered >= 0 AND costs >= 0",
            name=op.f("ck_legal_cases_amounts_non_negative"),
        ),
        sa.CheckConstraint(
            "next_hearing_on IS NULL OR next_hearing_on >= filed_on",
            name=op.f("ck_legal_cases_hearing_after_filing"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_legal_cases_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_legal_cases_loan_id_loans")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_legal_cases")),
    )
    with op.batch_alter_table("legal_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_cases_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index("ix_legal_cases_stage", ["stage"], unique=False)

    op.create_table(
        "restructurings",
        sa.Column("restructuring_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("restructured_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_restructurings_reason_required")),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_restructurings_loan_id_loans")),
        sa.PrimaryKeyConstraint("restructuring_id", name=op.f("pk_restructurings")),
    )
    with op.batch_alter_table("restructurings", schema=None) as batch_op:
        batch_op.create_index("ix_restructurings_loan_on", ["loan_id", "restructured_on"], unique=False)

    op.create_table(
        "legal_case_stages",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("from_stage", sa.String(length=40), nullable=True),
        sa.Column("to_stage", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.CheckConstraint(
            "from_stage IN ('preparing', 'filed', 'judgment', 'enforcement', 'closed')",
            name=op.f("ck_legal_case_stages_from_stage_enum"),
        ),
        sa.CheckConstraint(
            "from_stage IS NULL OR (CASE to_stage WHEN 'preparing' THEN 0 WHEN 'filed' THEN 1 WHEN 'judgment' THEN 2 WHEN 'enforcement' THEN 3 WHEN 'closed' THEN 4 END) >= (CASE from_stage WHEN 'preparing' THEN 0 WHEN 'filed' THEN 1 WHEN 'judgment' THEN 2 WHEN 'enforcement' THEN 3 WHEN 'closed' THEN 4 END) OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
            name=op.f("ck_legal_case_stages_backwards_with_reason"),
        ),
        sa.CheckConstraint(
            "to_stage IN ('preparing', 'filed', 'judgment', 'enforcement', 'closed')",
            name=op.f("ck_legal_case_stages_to_stage_enum"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["legal_cases.case_id"],
            name=op.f("fk_legal_case_stages_case_id_legal_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_legal_case_stages")),
    )
    with op.batch_alter_table("legal_case_stages", schema=None) as batch_op:
        batch_op.create_index("ix_legal_case_stages_case", ["case_id", "changed_on"], unique=False)

    op.create_table(
        "restructuring_proposals",
        sa.Column("proposal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("restructured_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=40), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("restructuring_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND restructuring_id IS NULL) OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name=op.f("ck_restructuring_proposals_decided_with_comment"),
        ),
        sa.CheckConstraint(
            "restructuring_id IS NULL OR status = 'approved'",
            name=op.f("ck_restructuring_proposals_written_when_approved"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_restructuring_proposals_status_enum"),
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> proposed_by",
            name=op.f("ck_restructuring_proposals_not_self_approved"),
        ),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_restructuring_proposals_reason_required")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.staff_id"], name=op.f("fk_restructuring_proposals_decided_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_restructuring_proposals_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["staff.staff_id"], name=op.f("fk_restructuring_proposals_proposed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["restructuring_id"],
            ["restructurings.restructuring_id"],
            name=op.f("fk_restructuring_proposals_restructuring_id_restructurings"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_restructuring_proposals")),
    )
    with op.batch_alter_table("restructuring_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restructuring_proposals_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(
            "uq_restructuring_proposals_pending_loan",
            ["loan_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_enum"), type_="check")
        batch_op.create_check_constraint("role_enum", f"role IN ({NEW_ROLES})")


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role = 'asset_preservation'")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_enum"), type_="check")
        batch_op.create_check_constraint("role_enum", f"role IN ({OLD_ROLES})")
    with op.batch_alter_table("restructuring_proposals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_restructuring_proposals_pending_loan",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_restructuring_proposals_loan_id"))

    op.drop_table("restructuring_proposals")
    with op.batch_alter_table("legal_case_stages", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_case_stages_case")

    op.drop_table("legal_case_stages")
    with op.batch_alter_table("restructurings", schema=None) as batch_op:
        batch_op.drop_index("ix_restructurings_loan_on")

    op.drop_table("restructurings")
    with op.batch_alter_table("legal_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_cases_stage")
        batch_op.drop_index(batch_op.f("ix_legal_cases_loan_id"))

    op.drop_table("legal_cases")
