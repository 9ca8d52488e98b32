"""Tables the application keeps for itself: users, the audit log, configuration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Key, one_of
from db.models.enums import USER_ROLES


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
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_key"),)

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(120))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


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


class FormSubmission(Base):
    """One row per submitted form, keyed by the token the form was rendered with: a resubmit finds it."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    submitted_at: Mapped[datetime]
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(120))


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_user_at", "username", "at"),)

    attempt_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean)
