"""One transaction per user action: the write, its audit rows, the form token and the data version.

A form is rendered with a token; saving records the token in the same transaction as the record. A second
submit by the same user with the same token (a double click, a resubmit) finds it and writes nothing. The
token is matched together with the user: another user's submit with the same token (a shared link, once
tokens were in the URL) is their own record, never "already submitted" with a colleague's record id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from dashboard import clock
from dashboard.actor import Actor
from dashboard.work.audit import write_audit
from db.data_version import bump_data_version
from db.models import FormSubmission


@dataclass
class Change:
    """One audited change: action is 'insert', 'update' or 'unmask' and so on."""

    action: str
    table: str
    record_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class Saved:
    table: str
    record_key: str
    duplicate: bool = False  # the token had been used: this submit wrote nothing
    changes: list[Change] = field(default_factory=list)


def save(
    engine: Engine,
    actor: Actor,
    token: str | None,
    write: Callable[[Connection], list[Change]],
    *,
    state: bool = False,
) -> Saved:
    """Run write(conn) in one transaction; the first change names the record the form saved.

    `state` says the write changes a loan's state (an override); such a write brings the loan-state
    snapshots it reaches up to date itself (dashboard.kpi.snapshots.refresh_loans), so none goes stale.
    """
    key = submission_key(actor.username, token) if token else None
    if key:
        earlier = _earlier(engine, key)
        if earlier:
            return earlier
    try:
        with engine.begin() as conn:
            write_lock(conn)
            changes = write(conn)
            first = changes[0]
            if key:
                conn.execute(
                    insert(FormSubmission).values(
                        token=key,
                        username=actor.username,
                        submitted_at=clock.now(),
                        table_name=first.table,
                        record_key=first.record_key,
                    )
                )
            for change in changes:
                write_audit(
                    conn, actor, change.action, change.table, change.record_key, change.before, change.after
                )
            bump_data_version(conn, state=state, logged=False)
    except IntegrityError:
        # Two submits with one token raced; the loser finds the winner's record. Anything else is a bug.
        earlier = _earlier(engine, key) if key else None
        if earlier:
            return earlier
        raise
    return Saved(first.table, first.record_key, changes=changes)


def write_lock(conn: Connection) -> None:
    """Make the save one write transaction from its first read, so what it counts (the calls of the day)
    cannot change before it writes. SQLite's driver would begin the transaction only at the first INSERT,
    after the count: BEGIN IMMEDIATE takes the database's write lock now, and a second save waits for the
    first to commit (the busy timeout). PostgreSQL keeps its row locks (SELECT ... FOR UPDATE in the
    checks), which hold for the transaction the engine has begun."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def submission_key(username: str, token: str) -> str:
    """What form_submissions.token holds: the form's token bound to the user who submitted it.

    A digest rather than the two joined, so it fits the column (64) whatever the username's length and
    needs no schema change; the username column beside it still says who submitted.
    """
    digest = hashlib.sha256()
    for part in (username, token):
        digest.update(hashlib.sha256(part.encode()).digest())
    return digest.hexdigest()


def _earlier(engine: Engine, token: str) -> Saved | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(FormSubmission.table_name, FormSubmission.record_key).where(FormSubmission.token == token)
        ).first()
    return Saved(row.table_name, row.record_key, duplicate=True) if row else None
