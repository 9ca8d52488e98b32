"""Tables the application keeps for itself: users, the audit log, configuration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Key, one_of
from db.models.enums import CLASSES, PROPOSAL_STATUSES, USER_ROLES


class User(Base):
    __tablename__ = "users"
    __table_args__ = (one_of("role", USER_ROLES),)

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    agency_id: Mapped[str | None] = mapped_column(Key, ForeignKey("agencies.agency_id"))
    branch_id: Mapped[str | None] = mapped_column(Key, ForeignKey("branches.branch_id"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


class AuditEntry(Base):
    """One audited change. prev_hash and row_hash chain the rows (dashboard.work.audit): row_hash is the
    SHA-256 of prev_hash and the row's content; one row only may follow each (the unique prev_hash)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "table_name", "record_key"),
        UniqueConstraint("prev_hash"),
        CheckConstraint("length(prev_hash) = 64 AND length(row_hash) = 64", name="hash_lengths"),
    )

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(120))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Targets and thresholds (DOMAIN section 3) that override the defaults in dashboard.config."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class DataVersion(Base):
    """One row whose number goes up with every write, so cached figures know they are stale."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None]
    # Goes up only with writes that change loan state (imports, overrides): what snapshots depend on.
    state_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ExtractLoad(Base):
    """One row per core-banking extract imported (`postloan import`) or demo book seeded: its data date, the
    date through which its repayments are complete. The latest row's is the default as-of date; saving a
    visit, an inspection or an action writes no row here, so it never moves that date."""

    __tablename__ = "extract_loads"
    __table_args__ = (one_of("source", ("import", "seed")),)

    load_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    data_date: Mapped[date]
    loaded_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text)  # the extract's directory, or the seed's arguments


class ClassificationProposal(Base):
    """A proposed class for a loan (DOMAIN rule 12, maker-checker): a worse class, or a lift of an earlier
    downgrade back toward the DPD floor. It takes effect only when a risk manager other than the proposer
    approves it: the approval writes the classification_overrides row, effective on the approval day.
    Imported overrides have no proposal (the core system approved them)."""

    __tablename__ = "classification_proposals"
    __table_args__ = (
        one_of("classification", CLASSES),
        one_of("status", PROPOSAL_STATUSES),
        CheckConstraint("length(trim(reason)) > 0", name="reason_required"),
        CheckConstraint("length(triggers) > 0", name="trigger_required"),
        CheckConstraint(
            "other_trigger IS NULL OR length(trim(other_trigger)) > 0", name="other_trigger_not_blank"
        ),
        CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="not_self_approved"),
        CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND effective_on IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL"
            " AND decision_comment IS NOT NULL AND length(trim(decision_comment)) > 0)",
            name="decided_with_comment",
        ),
        CheckConstraint("effective_on IS NULL OR status = 'approved'", name="effective_when_approved"),
        # One open proposal per loan: a second would be decided against a class the first may change.
        Index(
            "uq_classification_proposals_pending_loan",
            "loan_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_classification_proposals_status_at", "status", "proposed_at"),
    )

    proposal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(Key, ForeignKey("loans.loan_id"), index=True)
    classification: Mapped[str] = mapped_column(Key)
    reason: Mapped[str] = mapped_column(Text)
    triggers: Mapped[str] = mapped_column(String(300))  # codes of OVERRIDE_TRIGGERS, comma-separated
    other_trigger: Mapped[str | None] = mapped_column(Text)
    inspection_id: Mapped[str | None] = mapped_column(Key, ForeignKey("inspections.inspection_id"))
    proposed_by: Mapped[str] = mapped_column(Key, ForeignKey("staff.staff_id"))
    proposed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(Key, ForeignKey("staff.staff_id"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)
    effective_on: Mapped[date | None]


class FormSubmission(Base):
    """One row per submitted form, keyed by the token the form was rendered with: a resubmit finds it."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    submitted_at: Mapped[datetime]
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(120))


class LoginAttempt(Base):
    """One sign-in attempt: by password (the form) or by cookie (a reload, a new tab). An unknown username
    is kept cut short with a digest (dashboard.auth.login.recorded_name), never in full: it may be a
    password typed into the wrong box."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_user_at", "username", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )

    attempt_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean)
    client: Mapped[str | None] = mapped_column(String(64))  # the address the attempt came from
    method: Mapped[str] = mapped_column(String(10), default="password", server_default="password")


class SignInSession(Base):
    """A sign-in kept on the server (issue 22 item 2): the cookie carries a random id, this row its SHA-256.
    Valid while not revoked, seen within the idle time and before expires_at (the absolute lifetime)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_created"),)

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(60), ForeignKey("users.username"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    client: Mapped[str | None] = mapped_column(String(64))
