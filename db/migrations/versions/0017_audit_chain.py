"""a tamper-evident audit log: each row chained to the one before by a hash (issue 22)

`audit_log.prev_hash` (the row_hash of the row before, by entry_id; 64 zeros for the first) and
`audit_log.row_hash` (SHA-256 of prev_hash and the row's content, dashboard.work.audit.entry_hash). The
rows already there are chained here, in entry_id order, as they stand: the chain vouches for them from this
migration on, not for what happened to them before. prev_hash is unique, so no two rows follow one.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
CONTENT = ("at", "username", "action", "table_name", "record_key", "before", "after")
BATCH = 5000

audit_log = sa.table(
    "audit_log",
    sa.column("entry_id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("username", sa.String),
    sa.column("action", sa.String),
    sa.column("table_name", sa.String),
    sa.column("record_key", sa.String),
    sa.column("before", sa.Text),
    sa.column("after", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("row_hash", sa.String),
)


def _entry_hash(prev_hash, entry) -> str:  # type: ignore[no-untyped-def]
    """A frozen copy of dashboard.work.audit.entry_hash as it was when this migration was written."""
    content = [prev_hash, entry["at"].isoformat(sep=" ", timespec="microseconds")]
    content += [entry[name] for name in CONTENT[1:]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    prev, after_id = GENESIS, None
    while True:
        query = sa.select(audit_log.c.entry_id, *(audit_log.c[name] for name in CONTENT))
        if after_id is not None:
            query = query.where(audit_log.c.entry_id > after_id)
        rows = bind.execute(query.order_by(audit_log.c.entry_id).limit(BATCH)).mappings().all()
        if not rows:
            return
        updates = []
        for row in rows:
            row_hash = _entry_hash(prev, row)
            updates.append({"id": row["entry_id"], "prev": prev, "hash": row_hash})
            prev = row_hash
        bind.execute(
            audit_log.update()
            .where(audit_log.c.entry_id == sa.bindparam("id"))
            .values(prev_hash=sa.bindparam("prev"), row_hash=sa.bindparam("hash")),
            updates,
        )
        after_id = rows[-1]["entry_id"]


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_log") as batch:  # SQLite rebuilds the table for NOT NULL and CHECK
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_prev_hash"), ["prev_hash"])
        batch.create_check_constraint(
            op.f("ck_audit_log_hash_lengths"), "length(prev_hash) = 64 AND length(row_hash) = 64"
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("ck_audit_log_hash_lengths"), type_="check")
        batch.drop_constraint(op.f("uq_audit_log_prev_hash"), type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
