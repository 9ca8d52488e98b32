"""Loans, their repayment schedules, repayments and manual classification overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Key, Money, Rate, one_of
from db.models.enums import CLASSES, PAYMENT_MODES


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        one_of("payment_mode", PAYMENT_MODES),
        CheckConstraint("principal > 0", name="principal_positive"),
        CheckConstraint("annual_rate >= 0", name="rate_non_negative"),
        CheckConstraint("term_months > 0", name="term_positive"),
        CheckConstraint("maturity_on >= disbursed_on", name="matures_after_disbursement"),
        CheckConstraint(
            "written_off_on IS NULL OR written_off_on >= disbursed_on", name="writeoff_after_disbursement"
        ),
        Index("ix_loans_officer_disbursed", "officer_id", "disbursed_on"),
        # Periodic checks look up each product's loans disbursed in the months n × k before a period.
        Index("ix_loans_product_disbursed", "product_id", "disbursed_on"),
    )

    loan_id: Mapped[str] = mapped_column(Key, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Key, ForeignKey("customers.customer_id"), index=True)
    product_id: Mapped[str] = mapped_column(Key, ForeignKey("products.product_id"), index=True)
    branch_id: Mapped[str] = mapped_column(Key, ForeignKey("branches.branch_id"), index=True)
    officer_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    channel_id: Mapped[str | None] = mapped_column(Key, ForeignKey("channels.channel_id"), index=True)
    principal: Mapped[Decimal] = mapped_column(Money)
    annual_rate: Mapped[Decimal] = mapped_column(Rate)
    term_months: Mapped[int] = mapped_column(Integer)
    disbursed_on: Mapped[date] = mapped_column(index=True)
    maturity_on: Mapped[date]
    payment_mode: Mapped[str] = mapped_column(Key)
    written_off_on: Mapped[date | None]


class ScheduleItem(Base):
    __tablename__ = "schedule"
    __table_args__ = (
        CheckConstraint("instalment_no > 0", name="instalment_positive"),
        CheckConstraint("principal_due >= 0 AND interest_due >= 0", name="dues_non_negative"),
        Index("ix_schedule_due_on", "due_on"),
    )

    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), primary_key=True)
    instalment_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[date]
    principal_due: Mapped[Decimal] = mapped_column(Money)
    interest_due: Mapped[Decimal] = mapped_column(Money)


class Repayment(Base):
    __tablename__ = "repayments"
    __table_args__ = (
        CheckConstraint("principal_paid >= 0 AND interest_paid >= 0", name="paid_non_negative"),
        ForeignKeyConstraint(
            ["loan_id", "instalment_no"],
            ["schedule.loan_id", "schedule.instalment_no"],
            name="fk_repayments_instalment_schedule",
        ),
        Index("ix_repayments_loan_paid", "loan_id", "paid_on"),
        Index("ix_repayments_paid_on", "paid_on"),
    )

    repayment_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    # Blank for payments not tied to one instalment (a recovery after write-off, say): they reduce
    # the outstanding principal but settle no instalment.
    instalment_no: Mapped[int | None] = mapped_column(Integer)
    paid_on: Mapped[date]
    principal_paid: Mapped[Decimal] = mapped_column(Money)
    interest_paid: Mapped[Decimal] = mapped_column(Money)


class ClassificationOverride(Base):
    __tablename__ = "classification_overrides"
    __table_args__ = (
        one_of("classification", CLASSES),
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
    )

    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), primary_key=True)
    effective_on: Mapped[date] = mapped_column(primary_key=True)
    classification: Mapped[str] = mapped_column(Key)
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))


class LoanStateSnapshot(Base):
    """Loan state at a date as `dashboard.kpi.state` computes it, kept for month-ends and the latest date.

    Only what depends on schedule and repayments is stored; bucket and class are derived at query time
    from first_due, so changing the DPD floors in configuration needs no rebuild.
    """

    __tablename__ = "loan_state_snapshots"
    # On SQLite the rows are stored in key order (migration 0006): every read is a range of the key.
    # The past-due rows of a date are a few per cent of it: the overdue list, vintage and the weekly review
    # read them through the partial index.
    __table_args__ = (
        Index("ix_loan_state_snapshots_loan", "loan_id"),
        Index(
            "ix_loan_state_snapshots_past_due",
            "as_of",
            "first_due",
            postgresql_where=text("first_due IS NOT NULL"),
            sqlite_where=text("first_due IS NOT NULL"),
        ),
        {"sqlite_with_rowid": False},
    )

    as_of: Mapped[date] = mapped_column(primary_key=True)
    loan_id: Mapped[str] = mapped_column(
        Key, ForeignKey("loans.loan_id", ondelete="CASCADE"), primary_key=True
    )
    op_cents: Mapped[int] = mapped_column(BigInteger)
    overdue_cents: Mapped[int] = mapped_column(BigInteger)
    first_due: Mapped[date | None]
    override_rank: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer)


class SnapshotGroup(Base):
    """A snapshot's active loans summed per branch, product, channel, officer, oldest unpaid due date and
    override: the few tens of thousands of rows a portfolio, trend or breakdown at a million loans reads
    instead of the million. Kept with its snapshot (dashboard.kpi.groups); bucket and class are derived at
    query time from first_due, as for the snapshot itself.

    A key may have several rows: a change to a few loans adds their old rows negated and their new rows, and
    readers sum. The dimensions are the loan's at build time, so an import that moves loans to another branch,
    product, channel or officer rebuilds the groups."""

    __tablename__ = "snapshot_groups"
    __table_args__ = (Index("ix_snapshot_groups_as_of", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[date]
    branch_id: Mapped[str] = mapped_column(Key)
    product_id: Mapped[str] = mapped_column(Key)
    channel_id: Mapped[str | None] = mapped_column(Key)
    officer_id: Mapped[str] = mapped_column(Key)
    first_due: Mapped[date | None]
    override_rank: Mapped[int] = mapped_column(Integer)
    loans: Mapped[int] = mapped_column(Integer)
    op_cents: Mapped[int] = mapped_column(BigInteger)
    overdue_cents: Mapped[int] = mapped_column(BigInteger)


class RollMonth(Base):
    """A month whose roll-rate groups (RollGroup) were built, from the snapshots of its two month-ends at
    this state version: they hold until a later state change reaches the month's end (as for a snapshot),
    or until a write or a refresh replaces either snapshot, which deletes this row."""

    __tablename__ = "roll_months"

    end_on: Mapped[date] = mapped_column(primary_key=True)
    start_on: Mapped[date]
    data_version: Mapped[int] = mapped_column(Integer)


class RollGroup(Base):
    """A month's roll-rate outcomes (dashboard.kpi.roll) summed per branch, product, channel and officer: the
    loans active at the start by bucket at the start, outcome and where they went, with their count and
    balance at the start. Kept by `postloan refresh` for the months of its month-end snapshots."""

    __tablename__ = "roll_groups"
    __table_args__ = (Index("ix_roll_groups_end_on", "end_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    end_on: Mapped[date] = mapped_column(ForeignKey("roll_months.end_on", ondelete="CASCADE"))
    branch_id: Mapped[str] = mapped_column(Key)
    product_id: Mapped[str] = mapped_column(Key)
    channel_id: Mapped[str | None] = mapped_column(Key)
    officer_id: Mapped[str] = mapped_column(Key)
    start_bucket: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[int] = mapped_column(Integer)
    destination: Mapped[int] = mapped_column(Integer)
    loans: Mapped[int] = mapped_column(Integer)
    op_cents: Mapped[int] = mapped_column(BigInteger)


class SnapshotDate(Base):
    """Which dates have a snapshot, and the state version it was built from: it stays current until a later
    state change (StateChange) reaches back to its date."""

    __tablename__ = "snapshot_dates"

    as_of: Mapped[date] = mapped_column(primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)


class StateChange(Base):
    """One row per write that changed loan state without updating the snapshots in its own transaction:
    the state version it made, and the earliest as-of date whose state it can change (NULL: any date).
    A snapshot of D built at version V is stale once a change after V has affects_from <= D."""

    __tablename__ = "state_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    affects_from: Mapped[date | None]
