"""state changes: which snapshot dates a loan-state write makes stale

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "state_changes",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("affects_from", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_state_changes")),
    )
    # Snapshots built before the current state version were stale under the old rule (any state write):
    # one change reaching every date keeps them so.
    op.execute(
        "INSERT INTO state_changes (version, affects_from) "
        "SELECT state_version, NULL FROM data_version WHERE state_version > 0"
    )


def downgrade() -> None:
    op.drop_table("state_changes")
