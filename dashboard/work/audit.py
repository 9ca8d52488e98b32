"""The audit log: who changed which record when, with the values before and after; a hash chain makes it
tamper-evident (issue 22).

Each row carries `prev_hash`, the `row_hash` of the row before it (by entry_id; GENESIS for the first),
and `row_hash`, the SHA-256 of its prev_hash and its own content (entry_hash). `verify` walks the chain:
a row whose content was edited no longer matches its own hash; a row deleted or slipped in breaks the link
of the row after it (or, slipped in with a made-up hash, its own). The hash has no secret in it: someone
who can write to the database can recompute every row after the one they changed. What catches that is a
head kept elsewhere: `postloan audit verify` prints the last row's id and hash, and `--expect ID:HASH`
checks that an earlier head is still in the chain unchanged.

Appending must read the head and insert after it with no other writer in between, or two rows would
follow the same head (a fork; the unique prev_hash refuses the second). SQLite: the transaction takes the
database's write lock (BEGIN IMMEDIATE, unless it already writes) before reading the head. PostgreSQL:
a transaction-level advisory lock (pg_advisory_xact_lock), rather than SELECT ... FOR UPDATE on a head
row, because it needs no row to create and keep updated (a hot row rewritten by every save), is released
by the commit or rollback whatever path the transaction takes, and blocks no reader. It is held to the
commit, so entry_ids are handed out in chain order. The lock is taken at a transaction's first audit row:
a transaction takes its row locks first, then the audit lock, then data_version's row (saving.save,
the import), so that two writers never wait for each other's locks in opposite orders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, text

from dashboard import clock
from dashboard.actor import Actor
from db.models import AuditEntry

GENESIS = "0" * 64  # the prev_hash of the first row
# The advisory lock's key: the first 8 bytes of SHA-256("postloan.audit_log"), as a signed bigint.
CHAIN_LOCK = int.from_bytes(hashlib.sha256(b"postloan.audit_log").digest()[:8], "big", signed=True)
CONTENT = ("at", "username", "action", "table_name", "record_key", "before", "after")
VERIFY_BATCH = 5000


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps({key: _plain(v) for key, v in values.items()}, ensure_ascii=False, sort_keys=True)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous row's hash and this row's content, as one JSON array. `at` is written
    to the microsecond, as both databases keep it; migration 0017 holds a copy of this function (the
    chain of the rows it found): the two must stay the same."""
    at: datetime = entry["at"]
    content = [prev_hash, at.isoformat(sep=" ", timespec="microseconds")]
    content += [entry[name] for name in CONTENT[1:]]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Make this transaction the only one appending to the chain until it ends (see the module's text)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # The driver begins a transaction only at the first INSERT: it would read the head unlocked.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _head(conn: Connection) -> str:
    last = conn.execute(select(AuditEntry.row_hash).order_by(AuditEntry.entry_id.desc()).limit(1)).scalar()
    return last or GENESIS


def append_entries(conn: Connection, entries: Iterable[Mapping[str, Any]]) -> None:
    """Append rows (each with every CONTENT column) to the chain, in order, in the caller's transaction."""
    lock_chain(conn)
    prev = _head(conn)
    for entry in entries:
        row = {name: entry[name] for name in CONTENT}
        row_hash = entry_hash(prev, row)
        # One row a statement: a multi-row INSERT need not hand out entry_ids in the rows' order.
        conn.execute(insert(AuditEntry).values(**row, prev_hash=prev, row_hash=row_hash))
        prev = row_hash


def write_audit(
    conn: Connection,
    actor: Actor,
    action: str,
    table: str,
    record_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    append_entries(
        conn,
        [
            {
                "at": clock.now(),
                "username": actor.username,
                "action": action,
                "table_name": table,
                "record_key": record_key,
                "before": as_json(before),
                "after": as_json(after),
            }
        ],
    )


@dataclass(frozen=True)
class Verified:
    """What `verify` found: the rows walked, the last good row's id and hash, and the first broken row."""

    rows: int
    head_id: int | None
    head_hash: str
    broken_id: int | None = None
    problem: str | None = None  # "content": edited; "link": a row before it deleted or slipped in
    expected_missing: bool = False  # --expect's row is gone or has another hash

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.expected_missing


def verify(conn: Connection, *, expect: tuple[int, str] | None = None) -> Verified:
    """Walk the chain in entry_id order and stop at the first row that breaks it. `expect`: (entry_id,
    row_hash) of a head recorded earlier, which must still be in the chain unchanged."""
    columns = [AuditEntry.entry_id, AuditEntry.prev_hash, AuditEntry.row_hash]
    columns += [getattr(AuditEntry, name) for name in CONTENT]
    query = select(*columns).order_by(AuditEntry.entry_id).execution_options(yield_per=VERIFY_BATCH)
    prev, head_id, rows, seen_expected = GENESIS, None, 0, expect is None
    for row in conn.execute(query):
        problem = None
        if row.prev_hash != prev:
            problem = "link"
        elif row.row_hash != entry_hash(row.prev_hash, row._mapping):
            problem = "content"
        if problem:
            return Verified(rows, head_id, prev, row.entry_id, problem)
        if expect is not None and row.entry_id == expect[0]:
            seen_expected = row.row_hash == expect[1]
        prev, head_id, rows = row.row_hash, row.entry_id, rows + 1
    return Verified(rows, head_id, prev, expected_missing=not seen_expected)
