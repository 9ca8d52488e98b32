"""Non-performing loan disposal (issue 18): legal cases with their stage timeline, restructurings and their
proposals with a second approver. Write-offs are loans.written_off_on; recoveries after it are repayments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import ZERO, Base, Key, Money, one_of
from db.models.enums import LEGAL_STAGES, PROPOSAL_STATUSES


def _stage_rank(column: str) -> str:
    """The position of a stage in LEGAL_STAGES, as SQL: CHECKs compare stages by it."""
    whens = " ".join(f"WHEN '{stage}' THEN {rank}" for rank, stage in enumerate(LEGAL_STAGES))
    return f"(CASE {column} {whens} END)"


class LegalCase(Base):
    """A loan's lawsuit (seed 002 Art. 49(6): over 90 DPD or doubtful, legal action in principle). One row per
    case; its stage changes are kept in legal_case_stages."""

    __tablename__ = "legal_cases"
    __table_args__ = (
        one_of("stage", LEGAL_STAGES),
        CheckConstraint(
            "claimed >= 0 AND (awarded IS NULL OR awarded >= 0) AND recovered >= 0 AND costs >= 0",
            name="amounts_non_negative",
        ),
        # A filed case has a filing date; a case being prepared may not have one yet.
        CheckConstraint("stage = 'preparing' OR filed_on IS NOT NULL", name="filed_when_past_preparing"),
        CheckConstraint(
            "awarded IS NULL OR recovered <= awarded OR (note IS NOT NULL AND length(trim(note)) > 0)",
            name="recovered_within_awarded",
        ),
        CheckConstraint(
            "next_hearing_on IS NULL OR next_hearing_on >= filed_on", name="hearing_after_filing"
        ),
        Index("ix_legal_cases_stage", "stage"),
    )

    case_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    filed_on: Mapped[date | None]
    court: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(Key)
    claimed: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    awarded: Mapped[Decimal | None] = mapped_column(Money)
    recovered: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    costs: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    lawyer: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(Key, ForeignKey("agencies.agency_id"))
    next_hearing_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class LegalCaseStage(Base):
    """One row per stage a case entered (the first with from_stage NULL): its timeline. A move back to an
    earlier stage (a judgment set aside, say) needs a reason."""

    __tablename__ = "legal_case_stages"
    __table_args__ = (
        one_of("to_stage", LEGAL_STAGES),
        one_of("from_stage", LEGAL_STAGES),
        CheckConstraint(
            f"from_stage IS NULL OR {_stage_rank('to_stage')} >= {_stage_rank('from_stage')}"
            " OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
            name="backwards_with_reason",
        ),
        Index("ix_legal_case_stages_case", "case_id", "changed_on"),
    )

    change_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(Key, ForeignKey("legal_cases.case_id", ondelete="CASCADE"))
    changed_on: Mapped[date]
    from_stage: Mapped[str | None] = mapped_column(Key)
    to_stage: Mapped[str] = mapped_column(Key)
    reason: Mapped[str | None] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(60))


class Restructuring(Base):
    """An approved restructuring (seed 002 Art. 49(7)): from the extract, or written by an approval. The loan
    is at least substandard for the observation period after restructured_on (dashboard.kpi.restructured)."""

    __tablename__ = "restructurings"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        Index("ix_restructurings_loan_on", "loan_id", "restructured_on"),
    )

    restructuring_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    restructured_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)


class RestructuringProposal(Base):
    """A restructuring proposed in the app; an approver other than the proposer writes the restructurings
    row (maker-checker, as classification_proposals)."""

    __tablename__ = "restructuring_proposals"
    __table_args__ = (
        one_of("status", PROPOSAL_STATUSES),
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="not_self_approved"),
        CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND restructuring_id IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL"
            " AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name="decided_with_comment",
        ),
        CheckConstraint("restructuring_id IS NULL OR status = 'approved'", name="written_when_approved"),
        Index(
            "uq_restructuring_proposals_pending_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    proposal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    restructured_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    proposed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)
    restructuring_id: Mapped[str | None] = mapped_column(Key, ForeignKey("restructurings.restructuring_id"))


class WriteoffProposal(Base):
    """A write-off (核销) proposed in the app by asset preservation or a risk manager, with the principal to
    write off, a reason and the write-off day; an approver other than the proposer decides it (maker-checker,
    as restructuring_proposals). The approval sets loans.written_off_on to written_off_on, the one place
    every figure reads a write-off from; the import keeps it while the extract leaves the loan's
    written_off_on blank (dashboard.importer.npl.keep_approved_writeoffs)."""

    __tablename__ = "writeoff_proposals"
    __table_args__ = (
        one_of("status", PROPOSAL_STATUSES),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="not_self_approved"),
        CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL"
            " AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name="decided_with_comment",
        ),
        # One proposal waiting per loan, and a loan is written off once.
        Index(
            "uq_writeoff_proposals_pending_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "uq_writeoff_proposals_approved_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    proposal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    written_off_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    proposed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)
