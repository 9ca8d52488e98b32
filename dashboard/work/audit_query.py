"""Reading the audit log: who changed which record when, filtered, newest first.

Who may read it (access "audit_read") is the page's check; these functions only read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, func, or_, select, true

from db.models import AuditEntry

COLUMNS = ["at", "username", "action", "table", "record", "before", "after"]


def _bound(value: date | datetime, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    # A date as the upper bound means the whole of that day.
    return datetime.combine(value + timedelta(days=1) if end else value, time.min)


def _condition(
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
    condition: ColumnElement[bool] = true()
    for part in parts:
        condition = condition & part
    return condition


def audit_entries(
    conn: Connection,
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
        .where(_condition(username, table, record_key, since, until))
        .order_by(a.at.desc(), a.entry_id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(rows, columns=COLUMNS)


def audit_count(
    conn: Connection,
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
        .where(_condition(username, table, record_key, since, until))
    ).scalar_one()


def audit_choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The users and the tables that occur in the log, for the page's filters."""
    users = conn.execute(select(AuditEntry.username).distinct().order_by(AuditEntry.username)).scalars()
    tables = conn.execute(select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name)).scalars()
    return list(users), list(tables)
