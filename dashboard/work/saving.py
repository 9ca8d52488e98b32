"""One transaction per user action: the write, its audit rows, the form token and the data version.

A form is rendered with a token; saving records the token in the same transaction as the record. A second
submit with the same token (a double click, a resubmit after a reload) finds it and writes nothing.
"""

from __future__ import annotations

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
    if token:
        earlier = _earlier(engine, token)
        if earlier:
            return earlier
    try:
        with engine.begin() as conn:
            changes = write(conn)
            first = changes[0]
            if token:
                conn.execute(
                    insert(FormSubmission).values(
                        token=token,
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
        earlier = _earlier(engine, token) if token else None
        if earlier:
            return earlier
        raise
    return Saved(first.table, first.record_key, changes=changes)


def _earlier(engine: Engine, token: str) -> Saved | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(FormSubmission.table_name, FormSubmission.record_key).where(FormSubmission.token == token)
        ).first()
    return Saved(row.table_name, row.record_key, duplicate=True) if row else None
