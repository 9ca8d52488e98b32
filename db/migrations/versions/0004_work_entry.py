"""work entry: form fields, issue workflow, idempotency tokens, login attempts, state version

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.work import CONTACT_HOURS

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = "'application', 'approval', 'disbursement', 'funds_use', 'repayment', 'other'"
CHECKLIST = (
    "assets_changed",
    "job_changed",
    "income_changed",
    "family_changed",
    "health_changed",
    "illegal_or_dispute",
    "guarantor_collateral_ok",
    "business_ok",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("stage", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("next_follow_up_on", sa.Date(), nullable=True))
        batch.create_check_constraint("stage_enum", f"stage IN ({STAGES})")
        batch.create_check_constraint("content_required", "length(trim(content)) > 0")
        batch.create_check_constraint(
            "follow_up_after_visit", "next_follow_up_on IS NULL OR next_follow_up_on >= visited_on"
        )
    with op.batch_alter_table("inspections") as batch:
        for name in CHECKLIST:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True))
    with op.batch_alter_table("collection_actions") as batch:
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.create_check_constraint("ptp_after_contact", "ptp_on IS NULL OR ptp_on > acted_at")
        batch.create_check_constraint("contact_hours", CONTACT_HOURS[dialect])
    # Issues resolved before this revision carry no note; the constraint below wants one.
    op.add_column("issues", sa.Column("resolution", sa.Text(), nullable=True))
    op.execute(
        "UPDATE issues SET resolution = 'Resolved in the core-banking system' WHERE resolved_on IS NOT NULL"
    )
    with op.batch_alter_table("issues") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_foreign_key(op.f("fk_issues_assigned_to_staff"), "staff", ["assigned_to"], ["staff_id"])
        batch.create_check_constraint("description_required", "length(trim(description)) > 0")
        batch.create_check_constraint(
            "resolution_when_resolved", "resolved_on IS NULL OR length(trim(resolution)) > 0"
        )
        batch.create_check_constraint("version_positive", "version >= 1")
    with op.batch_alter_table("data_version") as batch:
        batch.add_column(sa.Column("state_version", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_audit_log_record", "audit_log", ["table_name", "record_key"])
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("attempt_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_login_attempts")),
    )
    op.create_index("ix_login_attempts_user_at", "login_attempts", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_user_at", table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_table("form_submissions")
    op.drop_index("ix_audit_log_record", table_name="audit_log")
    with op.batch_alter_table("data_version") as batch:
        batch.drop_column("state_version")
    with op.batch_alter_table("issues") as batch:
        batch.drop_constraint("version_positive", type_="check")
        batch.drop_constraint("resolution_when_resolved", type_="check")
        batch.drop_constraint("description_required", type_="check")
        batch.drop_constraint(op.f("fk_issues_assigned_to_staff"), type_="foreignkey")
        batch.drop_column("version")
        batch.drop_column("assigned_to")
        batch.drop_column("resolution")
    with op.batch_alter_table("collection_actions") as batch:
        batch.drop_constraint("contact_hours", type_="check")
        batch.drop_constraint("ptp_after_contact", type_="check")
        batch.drop_column("notes")
    with op.batch_alter_table("inspections") as batch:
        for name in CHECKLIST:
            batch.drop_column(name)
    with op.batch_alter_table("visits") as batch:
        batch.drop_constraint("follow_up_after_visit", type_="check")
        batch.drop_constraint("content_required", type_="check")
        batch.drop_constraint("stage_enum", type_="check")
        batch.drop_column("next_follow_up_on")
        batch.drop_column("stage")
