"""Reading the audit log: who changed which record when, filtered, newest first, within the reader's scope.

Who may open the log at all (access "audit_read") is the page's check; which rows each reader sees is
checked here, on the server, in every query (issue 22 item 7):

- an auditor sees every row: reviewing the whole log is the job;
- a branch manager sees the rows about the loans of their branch subtree (visits, issues, inspections,
  collection actions with their notes, classification proposals and overrides, unmasking) and their own
  actions, nothing about other branches' loans nor other users' accounts;
- an administrator sees account and configuration events (users, sign-in failures, settings, product
  floors, data loads) and their own actions, but no row about a loan: their role covers no loans, and
  those rows carry customers' notes;
- any other role sees nothing.

Sign-ins (login_attempts, by password or by the sign-in cookie; successes and failures) are read beside the
log by the same rules: an account event, so an auditor and an administrator see every sign-in, a manager
their own, any other role none.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, String, and_, cast, exists, false, func, or_, select, true

from dashboard.access import loan_condition
from dashboard.actor import Actor
from db.models import (
    AuditEntry,
    ClassificationProposal,
    CollectionAction,
    Inspection,
    Issue,
    Loan,
    LoginAttempt,
    Visit,
)

COLUMNS = ["at", "username", "action", "table", "record", "before", "after"]
# Audited tables whose records belong to one loan: table -> (the record key, its loan).
LOAN_RECORDS = {
    "visits": (Visit.visit_id, Visit.loan_id),
    "issues": (Issue.issue_id, Issue.loan_id),
    "inspections": (Inspection.inspection_id, Inspection.loan_id),
    "collection_actions": (CollectionAction.action_id, CollectionAction.loan_id),
    "classification_proposals": (
        cast(ClassificationProposal.proposal_id, String),
        ClassificationProposal.loan_id,
    ),
}
# Accounts and configuration: what an administrator looks after.
ACCOUNT_TABLES = ("users", "settings", "products", "extract_loads")


def scope_condition(actor: Actor) -> ColumnElement[bool]:
    """The audit rows this reader may see (see the module's rules)."""
    a = AuditEntry
    own = a.username == actor.username
    if actor.role == "auditor":
        return true()
    if actor.role == "admin":
        return or_(own, a.table_name.in_(ACCOUNT_TABLES))
    if actor.role != "manager":
        return false()
    loans = select(Loan.loan_id).where(loan_condition(actor))
    parts = [
        own,
        and_(a.table_name == "loans", a.record_key.in_(loans)),
        # An override is keyed "loan_id:effective_on".
        and_(
            a.table_name == "classification_overrides",
            exists().where(
                loan_condition(actor),
                func.substr(a.record_key, 1, func.length(Loan.loan_id) + 1) == Loan.loan_id + ":",
            ),
        ),
    ]
    for table, (key, loan_id) in LOAN_RECORDS.items():
        parts.append(and_(a.table_name == table, a.record_key.in_(select(key).where(loan_id.in_(loans)))))
    return or_(*parts)


def _bound(value: date | datetime, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    # A date as the upper bound means the whole of that day.
    return datetime.combine(value + timedelta(days=1) if end else value, time.min)


def _condition(
    actor: Actor,
    username: str | None,
    table: str | None,
    record_key: str | None,
    since: date | datetime | None,
    until: date | datetime | None,
) -> ColumnElement[bool]:
    a = AuditEntry
    parts: list[ColumnElement[bool]] = []
    if username:
        parts.append(a.username == username)
    if table:
        parts.append(a.table_name == table)
    if record_key:
        # Overrides are keyed "loan_id:effective_on", so a loan id also finds its overrides. The key is
        # compared as a bound value; a LIKE pattern would let % and _ in the input match anything.
        parts.append(
            or_(
                a.record_key == record_key,
                func.substr(a.record_key, 1, len(record_key) + 1) == f"{record_key}:",
            )
        )
    if since:
        parts.append(a.at >= _bound(since, end=False))
    if until:
        upper = _bound(until, end=True)
        parts.append(a.at <= upper if isinstance(until, datetime) else a.at < upper)
    condition = scope_condition(actor)
    for part in parts:
        condition = condition & part
    return condition


def audit_entries(
    conn: Connection,
    actor: Actor,
    *,
    username: str | None = None,
    table: str | None = None,
    record_key: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """At most `limit` audit rows matching every filter given, newest first. A date `until` includes the
    whole day. Columns: at, username, action, table, record, before, after (JSON text)."""
    a = AuditEntry
    rows = conn.execute(
        select(a.at, a.username, a.action, a.table_name, a.record_key, a.before, a.after)
        .where(_condition(actor, username, table, record_key, since, until))
        .order_by(a.at.desc(), a.entry_id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(rows, columns=COLUMNS)


def audit_count(
    conn: Connection,
    actor: Actor,
    *,
    username: str | None = None,
    table: str | None = None,
    record_key: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> int:
    """How many audit rows match, for "showing the newest N of M"."""
    return conn.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(_condition(actor, username, table, record_key, since, until))
    ).scalar_one()


def audit_choices(conn: Connection, actor: Actor) -> tuple[list[str], list[str]]:
    """The users and the tables that occur in the rows (and sign-ins) this reader may see, for the page's
    filters."""
    a = AuditEntry
    visible = scope_condition(actor)
    users = set(conn.execute(select(a.username).where(visible).distinct()).scalars())
    signed = LoginAttempt
    users |= set(
        conn.execute(
            select(signed.username).where(sign_in_scope(actor), signed.method.in_(SIGN_IN_METHODS)).distinct()
        ).scalars()
    )
    tables = conn.execute(select(a.table_name).where(visible).distinct().order_by(a.table_name)).scalars()
    return sorted(users), list(tables)


SIGN_IN_COLUMNS = ["at", "username", "success", "method", "client"]
# An admin's unlock is written to login_attempts too (it ends a wait) but is no sign-in: the users row
# records it.
SIGN_IN_METHODS = ("password", "cookie")


def sign_in_scope(actor: Actor) -> ColumnElement[bool]:
    """The sign-ins this reader may see (see the module's rules)."""
    if actor.role in ("auditor", "admin"):
        return true()
    if actor.role == "manager":
        return LoginAttempt.username == actor.username
    return false()


def _sign_in_condition(
    actor: Actor, username: str | None, since: date | datetime | None, until: date | datetime | None
) -> ColumnElement[bool]:
    s = LoginAttempt
    condition = sign_in_scope(actor) & s.method.in_(SIGN_IN_METHODS)
    if username:
        condition = condition & (s.username == username)
    if since:
        condition = condition & (s.at >= _bound(since, end=False))
    if until:
        upper = _bound(until, end=True)
        condition = condition & (s.at <= upper if isinstance(until, datetime) else s.at < upper)
    return condition


def sign_ins(
    conn: Connection,
    actor: Actor,
    *,
    username: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """At most `limit` sign-ins (successful and failed) matching the filters, newest first:
    SIGN_IN_COLUMNS."""
    s = LoginAttempt
    rows = conn.execute(
        select(s.at, s.username, s.success, s.method, s.client)
        .where(_sign_in_condition(actor, username, since, until))
        .order_by(s.at.desc(), s.attempt_id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(rows, columns=SIGN_IN_COLUMNS)


def sign_in_count(
    conn: Connection,
    actor: Actor,
    *,
    username: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> int:
    return conn.execute(
        select(func.count())
        .select_from(LoginAttempt)
        .where(_sign_in_condition(actor, username, since, until))
    ).scalar_one()
