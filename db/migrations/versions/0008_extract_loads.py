"""extract loads: the data date of each extract imported or demo book seeded, the default as-of date

The default as-of date was the latest date anywhere in the data, visits and inspections included, so one
visit saved today moved every dashboard to a day without repayments. A database upgraded from 0007 has no
row yet: it falls back to its latest repayment or disbursement (dashboard.kpi.data_dates) until the next
import records one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "extract_loads",
        sa.Column("load_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("data_date", sa.Date(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint("source IN ('import', 'seed')", name=op.f("ck_extract_loads_source_enum")),
        sa.PrimaryKeyConstraint("load_id", name=op.f("pk_extract_loads")),
    )


def downgrade() -> None:
    op.drop_table("extract_loads")
