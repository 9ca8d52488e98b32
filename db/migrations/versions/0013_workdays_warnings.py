"""workdays, issues from inspections, early-warning signals and warnings (issue 17)

`workdays` holds one row per date (holidays off, make-up weekend days on); workday_no and day_no are the
running counts of working days and of rows that make "N working days after D" one indexed lookup
(dashboard.workdays). The package's years are written here so deadlines are right from the first start.

issues.inspection_id: an issue found on an inspection (never also on a visit).

signals: outside early-warning signals (signals.csv). warnings: one per signal and loan, keyed by
source_key, with its response deadline, verification and disposition; the CHECKs back the service's rules
(a disposition only after a verification, a proposal only for a downgrade). reminders: one per loan, kind
(instalment, maturity, revisit) and date reminded of.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _package_days() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    day, workdays = date(2004, 1, 1), 0
    while True:
        try:
            on = bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # past the last year the package knows
            return rows
        workdays += on
        rows.append({"date": day, "is_workday": on, "workday_no": workdays, "day_no": len(rows) + 1})
        day += timedelta(days=1)


def upgrade() -> None:
    workdays = op.create_table(
        "workdays",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("workday_no", sa.Integer(), nullable=True),
        sa.Column("day_no", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("date", name=op.f("pk_workdays")),
    )
    op.create_index("ix_workdays_workday_no", "workdays", ["workday_no", "is_workday"], unique=False)
    op.bulk_insert(workdays, _package_days())
    _issue_from_inspection()
    _warnings()


def _warnings() -> None:
    signal_kinds = "'overdue_elsewhere', 'lawsuit', 'rating_downgrade', 'business_closed', 'guarantor_problem', 'collateral_problem', 'other'"
    op.create_table(
        "signals",
        sa.Column("signal_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=True),
        sa.Column("loan_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(f"kind IN ({signal_kinds})", name=op.f("ck_signals_kind_enum")),
        sa.CheckConstraint(
            "customer_id IS NOT NULL OR loan_id IS NOT NULL", name=op.f("ck_signals_about_someone")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_signals_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_signals_loan_id_loans")),
        sa.PrimaryKeyConstraint("signal_id", name=op.f("pk_signals")),
    )
    op.create_index(op.f("ix_signals_customer_id"), "signals", ["customer_id"], unique=False)
    op.create_index(op.f("ix_signals_loan_id"), "signals", ["loan_id"], unique=False)
    op.create_table(
        "warnings",
        sa.Column("warning_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("signal_id", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("verification", sa.String(length=40), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verification_notes", sa.Text(), nullable=True),
        sa.Column("disposition", sa.String(length=40), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("responded_by", sa.String(length=40), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            f"kind IN ('first_overdue', 'broken_promise', 'inspection_risk', 'funds_misused', 'major_issue', {signal_kinds})",
            name=op.f("ck_warnings_kind_enum"),
        ),
        sa.CheckConstraint("verification IN ('onsite', 'phone')", name=op.f("ck_warnings_verification_enum")),
        sa.CheckConstraint(
            "disposition IN ('no_risk', 'watch', 'propose_downgrade', 'propose_recall', 'propose_exit')",
            name=op.f("ck_warnings_disposition_enum"),
        ),
        sa.CheckConstraint(
            "(verification IS NULL) = (verified_on IS NULL)", name=op.f("ck_warnings_verified_with_date")
        ),
        sa.CheckConstraint(
            "disposition IS NULL OR (verification IS NOT NULL AND responded_on IS NOT NULL AND responded_by IS NOT NULL)",
            name=op.f("ck_warnings_disposition_after_verification"),
        ),
        sa.CheckConstraint(
            "proposal_id IS NULL OR disposition = 'propose_downgrade'",
            name=op.f("ck_warnings_proposal_of_downgrade"),
        ),
        sa.CheckConstraint("respond_by >= observed_on", name=op.f("ck_warnings_respond_after_observed")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_warnings_version_positive")),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_warnings_loan_id_loans")),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff.staff_id"], name=op.f("fk_warnings_officer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signals.signal_id"], name=op.f("fk_warnings_signal_id_signals")
        ),
        sa.ForeignKeyConstraint(
            ["responded_by"], ["staff.staff_id"], name=op.f("fk_warnings_responded_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["classification_proposals.proposal_id"],
            name=op.f("fk_warnings_proposal_id_classification_proposals"),
        ),
        sa.PrimaryKeyConstraint("warning_id", name=op.f("pk_warnings")),
        sa.UniqueConstraint("source_key", name=op.f("uq_warnings_source_key")),
    )
    op.create_index(op.f("ix_warnings_loan_id"), "warnings", ["loan_id"], unique=False)
    op.create_index("ix_warnings_officer_responded", "warnings", ["officer_id", "responded_on"], unique=False)
    op.create_index("ix_warnings_observed_on", "warnings", ["observed_on"], unique=False)
    op.create_table(
        "reminders",
        sa.Column("reminder_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "kind IN ('instalment', 'maturity', 'revisit')", name=op.f("ck_reminders_kind_enum")
        ),
        sa.CheckConstraint("channel IN ('sms', 'call', 'in_person')", name=op.f("ck_reminders_channel_enum")),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_reminders_loan_id_loans")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.staff_id"], name=op.f("fk_reminders_staff_id_staff")),
        sa.PrimaryKeyConstraint("reminder_id", name=op.f("pk_reminders")),
    )
    op.create_index("uq_reminders_loan_kind_due", "reminders", ["loan_id", "kind", "due_on"], unique=True)
    op.create_index("ix_reminders_reminded_on", "reminders", ["reminded_on"], unique=False)


def _issue_from_inspection() -> None:
    """issues.inspection_id: an issue found on an inspection (at most one of visit and inspection)."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference and CHECK in place; batch mode would copy the whole table.
        op.execute(
            "ALTER TABLE issues ADD COLUMN inspection_id VARCHAR(40) "
            "CONSTRAINT fk_issues_inspection_id_inspections REFERENCES inspections (inspection_id) "
            "CONSTRAINT ck_issues_one_source CHECK (visit_id IS NULL OR inspection_id IS NULL)"
        )
        return
    op.add_column("issues", sa.Column("inspection_id", sa.String(length=40), nullable=True))
    op.create_foreign_key(
        op.f("fk_issues_inspection_id_inspections"),
        "issues",
        "inspections",
        ["inspection_id"],
        ["inspection_id"],
    )
    op.create_check_constraint(
        op.f("ck_issues_one_source"), "issues", "visit_id IS NULL OR inspection_id IS NULL"
    )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("warnings")
    op.drop_table("signals")
    if op.get_bind().dialect.name == "sqlite":
        # The column's own reference and CHECK go with it when the table is copied without it.
        with op.batch_alter_table("issues", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f("ck_issues_one_source"), type_="check")
            batch_op.drop_column("inspection_id")
    else:
        op.drop_constraint(op.f("ck_issues_one_source"), "issues", type_="check")
        op.drop_constraint(op.f("fk_issues_inspection_id_inspections"), "issues", type_="foreignkey")
        op.drop_column("issues", "inspection_id")
    op.drop_index("ix_workdays_workday_no", table_name="workdays")
    op.drop_table("workdays")
