"""Post-loan work: agency placements, collection actions, inspections, visits, issues, assignments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Key, Money, one_of
from db.models.enums import (
    ACTION_CHANNELS,
    ACTION_RESULTS,
    INSPECTION_KINDS,
    INSPECTION_METHODS,
    PHOTO_TYPES,
    REMINDER_CHANNELS,
    REMINDER_KINDS,
    SEVERITIES,
    SIGNAL_KINDS,
    VISIT_METHODS,
    VISIT_STAGES,
    WARNING_DISPOSITIONS,
    WARNING_KINDS,
    WARNING_VERIFICATIONS,
)

CONTACT_HOURS = {
    "sqlite": "time(acted_at) BETWEEN '08:00:00' AND '21:00:00'",
    "postgresql": "CAST(acted_at AS TIME) BETWEEN '08:00:00' AND '21:00:00'",
}


class Placement(Base):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("placed_amount >= 0", name="amount_non_negative"),
        CheckConstraint("recalled_on IS NULL OR recalled_on >= placed_on", name="recalled_after_placed"),
        # A recall made in the app carries its reason (dashboard.work.allocation); the extract's may not.
        CheckConstraint(
            "recall_reason IS NULL OR (recalled_on IS NOT NULL AND length(trim(recall_reason)) > 0)",
            name="recall_reason_not_blank",
        ),
        Index("ix_placements_agency_placed", "agency_id", "placed_on"),
    )

    placement_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    agency_id: Mapped[str] = mapped_column(Key, ForeignKey("agencies.agency_id"))
    placed_on: Mapped[date]
    recalled_on: Mapped[date | None]
    placed_amount: Mapped[Decimal] = mapped_column(Money)
    recall_reason: Mapped[str | None] = mapped_column(Text)


class CollectionAction(Base):
    __tablename__ = "collection_actions"
    __table_args__ = (
        one_of("channel", ACTION_CHANNELS),
        one_of("result", ACTION_RESULTS),
        CheckConstraint("staff_id IS NOT NULL OR agency_id IS NOT NULL", name="actor_required"),
        CheckConstraint("(ptp_amount IS NULL) = (ptp_on IS NULL)", name="ptp_amount_with_date"),
        CheckConstraint("result <> 'ptp' OR ptp_amount IS NOT NULL", name="ptp_result_has_promise"),
        CheckConstraint("ptp_amount IS NULL OR ptp_amount > 0", name="ptp_amount_positive"),
        # A promise is for a later day than the contact (a date compares before any time on that day).
        CheckConstraint("ptp_on IS NULL OR ptp_on > acted_at", name="ptp_after_contact"),
        # Collection conduct: contact between 08:00 and 21:00. Time-of-day is spelt per dialect.
        CheckConstraint(CONTACT_HOURS["sqlite"], name="contact_hours").ddl_if(dialect="sqlite"),
        CheckConstraint(CONTACT_HOURS["postgresql"], name="contact_hours").ddl_if(dialect="postgresql"),
        Index("ix_collection_actions_loan_acted", "loan_id", "acted_at"),
        Index("ix_collection_actions_agency_acted", "agency_id", "acted_at"),
        Index("ix_collection_actions_staff_acted", "staff_id", "acted_at"),
        # Promises falling due in a period (agency scores): a few per cent of the actions.
        Index(
            "ix_collection_actions_ptp",
            "ptp_on",
            postgresql_where=text("ptp_on IS NOT NULL"),
            sqlite_where=text("ptp_on IS NOT NULL"),
        ),
    )

    action_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    acted_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(Key)
    staff_id: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    agency_id: Mapped[str | None] = mapped_column(Key, ForeignKey("agencies.agency_id"))
    result: Mapped[str] = mapped_column(Key)
    ptp_amount: Mapped[Decimal | None] = mapped_column(Money)
    ptp_on: Mapped[date | None]
    info_repaired: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Whom the action reached for: blank is the borrower, else one of the customer's contacts. The daily
    # call cap counts per number called, so calling contacts is never blocked by calls to the borrower.
    contact_id: Mapped[str | None] = mapped_column(Key, ForeignKey("contacts.contact_id"))


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        one_of("kind", INSPECTION_KINDS),
        one_of("method", INSPECTION_METHODS),
        Index("ix_inspections_loan_kind_done", "loan_id", "kind", "done_on"),
        Index("ix_inspections_staff_done", "staff_id", "done_on"),
    )

    inspection_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    kind: Mapped[str] = mapped_column(Key)
    done_on: Mapped[date]
    method: Mapped[str] = mapped_column(Key)
    staff_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    funds_use_ok: Mapped[bool] = mapped_column(Boolean, default=True)
    risk_signal: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # The checklist of DOMAIN rule 6. Blank where the core-banking extract does not say.
    assets_changed: Mapped[bool | None] = mapped_column(Boolean)
    job_changed: Mapped[bool | None] = mapped_column(Boolean)
    income_changed: Mapped[bool | None] = mapped_column(Boolean)
    family_changed: Mapped[bool | None] = mapped_column(Boolean)
    health_changed: Mapped[bool | None] = mapped_column(Boolean)
    illegal_or_dispute: Mapped[bool | None] = mapped_column(Boolean)
    guarantor_collateral_ok: Mapped[bool | None] = mapped_column(Boolean)
    business_ok: Mapped[bool | None] = mapped_column(Boolean)


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        one_of("method", VISIT_METHODS),
        one_of("stage", VISIT_STAGES),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        CheckConstraint("length(trim(content)) > 0", name="content_required"),
        CheckConstraint(
            "next_follow_up_on IS NULL OR next_follow_up_on >= visited_on", name="follow_up_after_visit"
        ),
        Index("ix_visits_loan_visited", "loan_id", "visited_on"),
    )

    visit_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    visited_on: Mapped[date] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(Key)
    staff_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    content: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[str | None] = mapped_column(Key)
    next_follow_up_on: Mapped[date | None]


class Issue(Base):
    __tablename__ = "issues"
    __table_args__ = (
        one_of("severity", SEVERITIES),
        CheckConstraint("reported_on IS NULL OR reported_on >= raised_on", name="reported_after_raised"),
        CheckConstraint("resolved_on IS NULL OR resolved_on >= raised_on", name="resolved_after_raised"),
        CheckConstraint("length(trim(description)) > 0", name="description_required"),
        CheckConstraint(
            "resolved_on IS NULL OR length(trim(resolution)) > 0", name="resolution_when_resolved"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("visit_id IS NULL OR inspection_id IS NULL", name="one_source"),
    )

    issue_id: Mapped[str] = mapped_column(Key, primary_key=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(Key, ForeignKey("visits.visit_id"))
    severity: Mapped[str] = mapped_column(Key)
    raised_on: Mapped[date] = mapped_column(index=True)
    reported_on: Mapped[date | None]
    resolved_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text)
    assigned_to: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    # Optimistic locking: a save names the version it read; a stale one updates nothing.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Found on an inspection rather than a visit (issue 17); at most one of the two.
    inspection_id: Mapped[str | None] = mapped_column(Key, ForeignKey("inspections.inspection_id"))


def new_assignment_id() -> str:
    """An id for an assignment made in the app; the extract's (assignments.csv) bring their own."""
    return f"AS{uuid4().hex[:16]}"


class CollectorAssignment(Base):
    """Which collector works a loan from when: from `assigned_on` up to, not including, `ended_on` (DOMAIN
    section 5, "End dates"). From the extract (assignments.csv, the column `collector_id`) or made in the app
    (dashboard.work.allocation)."""

    __tablename__ = "collector_assignments"
    __table_args__ = (
        # An assignment holds the loan on at least one day; one ending on its start day is not written.
        CheckConstraint("ended_on IS NULL OR ended_on > assigned_on", name="ended_after_assigned"),
        Index("ix_collector_assignments_staff", "staff_id", "assigned_on"),
        # One open assignment per loan: a loan is worked by one collector at a time.
        Index(
            "uq_collector_assignments_open_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    assignment_id: Mapped[str] = mapped_column(Key, primary_key=True, default=new_assignment_id)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    staff_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    assigned_on: Mapped[date]
    ended_on: Mapped[date | None]


class Photo(Base):
    """A photo taken as evidence (rule 2: a field visit with photos) on a field-visit action or a visit, kept
    in the database so it is read through the same scope check as the loan. Not in the extract."""

    __tablename__ = "photos"
    __table_args__ = (
        one_of("content_type", PHOTO_TYPES),
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("(action_id IS NULL) <> (visit_id IS NULL)", name="one_owner"),
        Index("ix_photos_loan", "loan_id", "uploaded_at"),
    )

    photo_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    action_id: Mapped[str | None] = mapped_column(Key, ForeignKey("collection_actions.action_id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(Key, ForeignKey("visits.visit_id"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(60))
    uploaded_at: Mapped[datetime]


class OfficerHistory(Base):
    """Who was each loan's account officer when: from `from_on` up to, not including, `to_on` (NULL: still).
    Backfilled from the loans' officer since disbursement (migration 0011); a hand-over
    (dashboard.work.allocation) or an import that changes a loan's officer closes the open row and opens
    one for the successor, so officer figures count the loans each officer held at the time."""

    __tablename__ = "officer_history"
    __table_args__ = (
        CheckConstraint("to_on IS NULL OR to_on > from_on", name="to_after_from"),
        Index("ix_officer_history_officer", "officer_id", "from_on"),
        # The loans that changed hands (a closed row): the few the officer figures move between officers.
        Index(
            "ix_officer_history_closed",
            "loan_id",
            sqlite_where=text("to_on IS NOT NULL"),
            postgresql_where=text("to_on IS NOT NULL"),
        ),
        Index(
            "uq_officer_history_open_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("to_on IS NULL"),
            postgresql_where=text("to_on IS NULL"),
        ),
    )

    loan_id: Mapped[str] = mapped_column(
        Key, ForeignKey("loans.loan_id", ondelete="CASCADE"), primary_key=True
    )
    from_on: Mapped[date] = mapped_column(primary_key=True)
    officer_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    to_on: Mapped[date | None]


class Signal(Base):
    """An early-warning signal from outside the lender's records (signals.csv, issue 17): a lawsuit, a rating
    downgrade, overdue at other lenders... about a customer (all their loans) or one loan."""

    __tablename__ = "signals"
    __table_args__ = (
        one_of("kind", SIGNAL_KINDS),
        CheckConstraint("customer_id IS NOT NULL OR loan_id IS NOT NULL", name="about_someone"),
    )

    signal_id: Mapped[str] = mapped_column(Key, primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(Key, ForeignKey("customers.customer_id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    kind: Mapped[str] = mapped_column(Key)
    observed_on: Mapped[date]
    source: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class EarlyWarning(Base):
    """One warning per signal and loan (issue 17): opened by dashboard.work.warnings.open_warnings with a
    response deadline in working days, answered by the loan's officer with a verification, then a
    disposition. source_key names the signal ("signal:S1:L1", "inspection:I1", ...) so a signal opens one
    warning however often the scan runs."""

    __tablename__ = "warnings"
    __table_args__ = (
        one_of("kind", WARNING_KINDS),
        one_of("verification", WARNING_VERIFICATIONS),
        one_of("disposition", WARNING_DISPOSITIONS),
        CheckConstraint("(verification IS NULL) = (verified_on IS NULL)", name="verified_with_date"),
        CheckConstraint(
            "disposition IS NULL OR (verification IS NOT NULL AND responded_on IS NOT NULL"
            " AND responded_by IS NOT NULL)",
            name="disposition_after_verification",
        ),
        CheckConstraint(
            "proposal_id IS NULL OR disposition = 'propose_downgrade'", name="proposal_of_downgrade"
        ),
        CheckConstraint("respond_by >= observed_on", name="respond_after_observed"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_warnings_officer_responded", "officer_id", "responded_on"),
        Index("ix_warnings_observed_on", "observed_on"),
    )

    warning_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    kind: Mapped[str] = mapped_column(Key)
    observed_on: Mapped[date]
    respond_by: Mapped[date]
    officer_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    signal_id: Mapped[str | None] = mapped_column(Key, ForeignKey("signals.signal_id"))
    detail: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime]
    verification: Mapped[str | None] = mapped_column(Key)
    verified_on: Mapped[date | None]
    verification_notes: Mapped[str | None] = mapped_column(Text)
    disposition: Mapped[str | None] = mapped_column(Key)
    responded_on: Mapped[date | None]
    responded_by: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    proposal_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("classification_proposals.proposal_id")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Reminder(Base):
    """A reminder given (issue 17; seed 004 四(二)3, seed 002 quiz: remind before the due date and maturity, a
    prompt revisit after an overdue): one per loan, kind and date reminded of."""

    __tablename__ = "reminders"
    __table_args__ = (
        one_of("kind", REMINDER_KINDS),
        one_of("channel", REMINDER_CHANNELS),
        Index("uq_reminders_loan_kind_due", "loan_id", "kind", "due_on", unique=True),
        Index("ix_reminders_reminded_on", "reminded_on"),
    )

    reminder_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"))
    kind: Mapped[str] = mapped_column(Key)
    due_on: Mapped[date]  # the instalment's due date, the maturity, or the day of the first overdue
    reminded_on: Mapped[date]
    channel: Mapped[str] = mapped_column(Key)
    staff_id: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
