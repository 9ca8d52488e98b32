"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("commission_rate", sa.Numeric(precision=10, scale=6), nullable=False),
        sa.CheckConstraint(
            "commission_rate >= 0 AND commission_rate <= 1", name=op.f("ck_agencies_rate_range")
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agencies")),
    )
    op.create_table(
        "audit_log",
        sa.Column("entry_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_key", sa.String(length=120), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_username"), ["username"], unique=False)

    op.create_table(
        "branches",
        sa.Column("branch_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["branches.branch_id"], name=op.f("fk_branches_parent_id_branches")
        ),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_branches")),
    )
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branches_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "channels",
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channels")),
    )
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=30), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("credit_grade", sa.String(length=10), nullable=True),
        sa.Column("repayment_capacity", sa.String(length=10), nullable=True),
        sa.CheckConstraint(
            "credit_grade IN ('good', 'fair', 'poor')", name=op.f("ck_customers_credit_grade_enum")
        ),
        sa.CheckConstraint(
            "repayment_capacity IN ('strong', 'fair', 'weak')",
            name=op.f("ck_customers_repayment_capacity_enum"),
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_id_number"), ["id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_name"), ["name"], unique=False)

    op.create_table(
        "products",
        sa.Column("product_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("repayment_method", sa.String(length=30), nullable=False),
        sa.Column("periodic_check_months", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "category IN ('consumer', 'business', 'housing')", name=op.f("ck_products_category_enum")
        ),
        sa.CheckConstraint(
            "repayment_method IN ('equal_instalment', 'equal_principal', 'interest_first', 'bullet')",
            name=op.f("ck_products_repayment_method_enum"),
        ),
        sa.CheckConstraint(
            "periodic_check_months IS NULL OR periodic_check_months > 0",
            name=op.f("ck_products_interval_positive"),
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_products")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "staff",
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("branch_id", sa.String(length=40), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "role IN ('account_officer', 'post_loan_officer', 'phone_collector', 'risk_manager', 'asset_preservation', 'manager')",
            name=op.f("ck_staff_role_enum"),
        ),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name=op.f("ck_staff_left_after_joined")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.branch_id"], name=op.f("fk_staff_branch_id_branches")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "loans",
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=40), nullable=False),
        sa.Column("branch_id", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=True),
        sa.Column("principal", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("annual_rate", sa.Numeric(precision=10, scale=6), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("disbursed_on", sa.Date(), nullable=False),
        sa.Column("maturity_on", sa.Date(), nullable=False),
        sa.Column("payment_mode", sa.String(length=40), nullable=False),
        sa.Column("written_off_on", sa.Date(), nullable=True),
        sa.CheckConstraint("payment_mode IN ('entrusted', 'self')", name=op.f("ck_loans_payment_mode_enum")),
        sa.CheckConstraint("annual_rate >= 0", name=op.f("ck_loans_rate_non_negative")),
        sa.CheckConstraint("maturity_on >= disbursed_on", name=op.f("ck_loans_matures_after_disbursement")),
        sa.CheckConstraint("principal > 0", name=op.f("ck_loans_principal_positive")),
        sa.CheckConstraint("term_months > 0", name=op.f("ck_loans_term_positive")),
        sa.CheckConstraint(
            "written_off_on IS NULL OR written_off_on >= disbursed_on",
            name=op.f("ck_loans_writeoff_after_disbursement"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.branch_id"], name=op.f("fk_loans_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.channel_id"], name=op.f("fk_loans_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_loans_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["officer_id"], ["staff.staff_id"], name=op.f("fk_loans_officer_id_staff")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.product_id"], name=op.f("fk_loans_product_id_products")
        ),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_loans")),
    )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loans_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_disbursed_on"), ["disbursed_on"], unique=False)
        batch_op.create_index("ix_loans_officer_disbursed", ["officer_id", "disbursed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_product_id"), ["product_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("branch_id", sa.String(length=40), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'risk_manager', 'officer', 'collector', 'agency', 'auditor')",
            name=op.f("ck_users_role_enum"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_users_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.branch_id"], name=op.f("fk_users_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.staff_id"], name=op.f("fk_users_staff_id_staff")),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )
    op.create_table(
        "classification_overrides",
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("classification", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')",
            name=op.f("ck_classification_overrides_classification_enum"),
        ),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_classification_overrides_reason_required")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_classification_overrides_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.staff_id"], name=op.f("fk_classification_overrides_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("loan_id", "effective_on", name=op.f("pk_classification_overrides")),
    )
    op.create_table(
        "collection_actions",
        sa.Column("action_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("acted_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("ptp_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("ptp_on", sa.Date(), nullable=True),
        sa.Column("info_repaired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('sms', 'call', 'letter', 'field_visit', 'legal')",
            name=op.f("ck_collection_actions_channel_enum"),
        ),
        sa.CheckConstraint(
            "result <> 'ptp' OR ptp_amount IS NOT NULL",
            name=op.f("ck_collection_actions_ptp_result_has_promise"),
        ),
        sa.CheckConstraint(
            "result IN ('connected', 'no_answer', 'lost_contact', 'ptp', 'refused', 'paid')",
            name=op.f("ck_collection_actions_result_enum"),
        ),
        sa.CheckConstraint(
            "(ptp_amount IS NULL) = (ptp_on IS NULL)", name=op.f("ck_collection_actions_ptp_amount_with_date")
        ),
        sa.CheckConstraint(
            "ptp_amount IS NULL OR ptp_amount > 0", name=op.f("ck_collection_actions_ptp_amount_positive")
        ),
        sa.CheckConstraint(
            "staff_id IS NOT NULL OR agency_id IS NOT NULL", name=op.f("ck_collection_actions_actor_required")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_collection_actions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_collection_actions_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.staff_id"], name=op.f("fk_collection_actions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_collection_actions")),
    )
    with op.batch_alter_table("collection_actions", schema=None) as batch_op:
        batch_op.create_index("ix_collection_actions_agency_acted", ["agency_id", "acted_at"], unique=False)
        batch_op.create_index("ix_collection_actions_loan_acted", ["loan_id", "acted_at"], unique=False)
        batch_op.create_index("ix_collection_actions_staff_acted", ["staff_id", "acted_at"], unique=False)

    op.create_table(
        "collector_assignments",
        sa.Column("assignment_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= assigned_on",
            name=op.f("ck_collector_assignments_ended_after_assigned"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name=op.f("fk_collector_assignments_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.staff_id"], name=op.f("fk_collector_assignments_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_collector_assignments")),
    )
    with op.batch_alter_table("collector_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collector_assignments_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index("ix_collector_assignments_staff", ["staff_id", "assigned_on"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("inspection_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("funds_use_ok", sa.Boolean(), nullable=False),
        sa.Column("risk_signal", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('first', 'periodic', 'sampling', 'special')", name=op.f("ck_inspections_kind_enum")
        ),
        sa.CheckConstraint(
            "method IN ('onsite', 'offsite', 'phone')", name=op.f("ck_inspections_method_enum")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_inspections_loan_id_loans")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.staff_id"], name=op.f("fk_inspections_staff_id_staff")),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_loan_kind_done", ["loan_id", "kind", "done_on"], unique=False)
        batch_op.create_index("ix_inspections_staff_done", ["staff_id", "done_on"], unique=False)

    op.create_table(
        "placements",
        sa.Column("placement_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("recalled_on", sa.Date(), nullable=True),
        sa.Column("placed_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint("placed_amount >= 0", name=op.f("ck_placements_amount_non_negative")),
        sa.CheckConstraint(
            "recalled_on IS NULL OR recalled_on >= placed_on",
            name=op.f("ck_placements_recalled_after_placed"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_placements_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_placements_loan_id_loans")),
        sa.PrimaryKeyConstraint("placement_id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index("ix_placements_agency_placed", ["agency_id", "placed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "schedule",
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("instalment_no", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("principal_due", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("interest_due", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint("instalment_no > 0", name=op.f("ck_schedule_instalment_positive")),
        sa.CheckConstraint(
            "principal_due >= 0 AND interest_due >= 0", name=op.f("ck_schedule_dues_non_negative")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_schedule_loan_id_loans")),
        sa.PrimaryKeyConstraint("loan_id", "instalment_no", name=op.f("pk_schedule")),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_due_on", ["due_on"], unique=False)

    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method IN ('phone', 'in_person', 'questionnaire')", name=op.f("ck_visits_method_enum")
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name=op.f("ck_visits_satisfaction_range")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_visits_loan_id_loans")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.staff_id"], name=op.f("fk_visits_staff_id_staff")),
        sa.PrimaryKeyConstraint("visit_id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("ix_visits_loan_visited", ["loan_id", "visited_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_visited_on"), ["visited_on"], unique=False)

    op.create_table(
        "issues",
        sa.Column("issue_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("visit_id", sa.String(length=40), nullable=True),
        sa.Column("severity", sa.String(length=40), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "severity IN ('general', 'important', 'major')", name=op.f("ck_issues_severity_enum")
        ),
        sa.CheckConstraint(
            "reported_on IS NULL OR reported_on >= raised_on", name=op.f("ck_issues_reported_after_raised")
        ),
        sa.CheckConstraint(
            "resolved_on IS NULL OR resolved_on >= raised_on", name=op.f("ck_issues_resolved_after_raised")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_issues_loan_id_loans")),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.visit_id"], name=op.f("fk_issues_visit_id_visits")),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_issues")),
    )
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issues_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issues_raised_on"), ["raised_on"], unique=False)

    op.create_table(
        "repayments",
        sa.Column("repayment_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("instalment_no", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("principal_paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("interest_paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint(
            "principal_paid >= 0 AND interest_paid >= 0", name=op.f("ck_repayments_paid_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id", "instalment_no"],
            ["schedule.loan_id", "schedule.instalment_no"],
            name="fk_repayments_instalment_schedule",
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_repayments_loan_id_loans")),
        sa.PrimaryKeyConstraint("repayment_id", name=op.f("pk_repayments")),
    )
    with op.batch_alter_table("repayments", schema=None) as batch_op:
        batch_op.create_index("ix_repayments_loan_paid", ["loan_id", "paid_on"], unique=False)
        batch_op.create_index("ix_repayments_paid_on", ["paid_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("repayments", schema=None) as batch_op:
        batch_op.drop_index("ix_repayments_paid_on")
        batch_op.drop_index("ix_repayments_loan_paid")

    op.drop_table("repayments")
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issues_raised_on"))
        batch_op.drop_index(batch_op.f("ix_issues_loan_id"))

    op.drop_table("issues")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_visited_on"))
        batch_op.drop_index("ix_visits_loan_visited")

    op.drop_table("visits")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_due_on")

    op.drop_table("schedule")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_loan_id"))
        batch_op.drop_index("ix_placements_agency_placed")

    op.drop_table("placements")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_staff_done")
        batch_op.drop_index("ix_inspections_loan_kind_done")

    op.drop_table("inspections")
    with op.batch_alter_table("collector_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_collector_assignments_staff")
        batch_op.drop_index(batch_op.f("ix_collector_assignments_loan_id"))

    op.drop_table("collector_assignments")
    with op.batch_alter_table("collection_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_collection_actions_staff_acted")
        batch_op.drop_index("ix_collection_actions_loan_acted")
        batch_op.drop_index("ix_collection_actions_agency_acted")

    op.drop_table("collection_actions")
    op.drop_table("classification_overrides")
    op.drop_table("users")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loans_product_id"))
        batch_op.drop_index("ix_loans_officer_disbursed")
        batch_op.drop_index(batch_op.f("ix_loans_disbursed_on"))
        batch_op.drop_index(batch_op.f("ix_loans_customer_id"))
        batch_op.drop_index(batch_op.f("ix_loans_channel_id"))
        batch_op.drop_index(batch_op.f("ix_loans_branch_id"))

    op.drop_table("loans")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_branch_id"))

    op.drop_table("staff")
    op.drop_table("settings")
    op.drop_table("products")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_name"))
        batch_op.drop_index(batch_op.f("ix_customers_id_number"))

    op.drop_table("customers")
    op.drop_table("channels")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branches_parent_id"))

    op.drop_table("branches")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_username"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("agencies")
