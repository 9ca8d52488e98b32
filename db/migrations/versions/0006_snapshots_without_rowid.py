"""loan state snapshots stored in primary-key order on SQLite (WITHOUT ROWID)

Every read of the snapshots is a range of the primary key (as_of, loan_id): stored in that order, a date's
rows are read without a lookup from the key's index into the table for each row (bench/RESULTS.md). PostgreSQL
is left as it is.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = """
    as_of DATE NOT NULL,
    loan_id VARCHAR(40) NOT NULL,
    op_cents BIGINT NOT NULL,
    overdue_cents BIGINT NOT NULL,
    first_due DATE,
    override_rank INTEGER NOT NULL,
    active INTEGER NOT NULL,
    CONSTRAINT pk_loan_state_snapshots PRIMARY KEY (as_of, loan_id),
    CONSTRAINT fk_loan_state_snapshots_loan_id_loans FOREIGN KEY(loan_id) REFERENCES loans (loan_id)
        ON DELETE CASCADE
"""


def _rebuild(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE TABLE loan_state_snapshots_new ({COLUMNS}) {options}")
    op.execute("INSERT INTO loan_state_snapshots_new SELECT * FROM loan_state_snapshots")
    op.execute("DROP TABLE loan_state_snapshots")
    op.execute("ALTER TABLE loan_state_snapshots_new RENAME TO loan_state_snapshots")
    op.execute("CREATE INDEX ix_loan_state_snapshots_loan ON loan_state_snapshots (loan_id)")
    # The planner statistics went with the old table; without them SQLite picks worse plans.
    op.execute("ANALYZE loan_state_snapshots")


def upgrade() -> None:
    _rebuild("WITHOUT ROWID")


def downgrade() -> None:
    _rebuild("")
