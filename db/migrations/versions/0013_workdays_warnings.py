"""workdays: China's working-day calendar, filled from the chinesecalendar package

`workdays` holds one row per date (holidays off, make-up weekend days on); workday_no and day_no are the
running counts of working days and of rows that make "N working days after D" one indexed lookup
(dashboard.workdays). The package's years are written here so deadlines are right from the first start.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _package_days() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    day, workdays = date(2004, 1, 1), 0
    while True:
        try:
            on = bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # past the last year the package knows
            return rows
        workdays += on
        rows.append({"date": day, "is_workday": on, "workday_no": workdays, "day_no": len(rows) + 1})
        day += timedelta(days=1)


def upgrade() -> None:
    workdays = op.create_table(
        "workdays",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("workday_no", sa.Integer(), nullable=True),
        sa.Column("day_no", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("date", name=op.f("pk_workdays")),
    )
    op.create_index("ix_workdays_workday_no", "workdays", ["workday_no", "is_workday"], unique=False)
    op.bulk_insert(workdays, _package_days())


def downgrade() -> None:
    op.drop_index("ix_workdays_workday_no", table_name="workdays")
    op.drop_table("workdays")
