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
    _issue_from_inspection()


def _issue_from_inspection() -> None:
    """issues.inspection_id: an issue found on an inspection (at most one of visit and inspection)."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference and CHECK in place; batch mode would copy the whole table.
        op.execute(
            "ALTER TABLE issues ADD COLUMN inspection_id VARCHAR(40) "
            "CONSTRAINT fk_issues_inspection_id_inspections REFERENCES inspections (inspection_id) "
            "CONSTRAINT ck_issues_one_source CHECK (visit_id IS NULL OR inspection_id IS NULL)"
        )
        return
    op.add_column("issues", sa.Column("inspection_id", sa.String(length=40), nullable=True))
    op.create_foreign_key(
        op.f("fk_issues_inspection_id_inspections"),
        "issues",
        "inspections",
        ["inspection_id"],
        ["inspection_id"],
    )
    op.create_check_constraint(
        op.f("ck_issues_one_source"), "issues", "visit_id IS NULL OR inspection_id IS NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # The column's own reference and CHECK go with it when the table is copied without it.
        with op.batch_alter_table("issues", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f("ck_issues_one_source"), type_="check")
            batch_op.drop_column("inspection_id")
    else:
        op.drop_constraint(op.f("ck_issues_one_source"), "issues", type_="check")
        op.drop_constraint(op.f("fk_issues_inspection_id_inspections"), "issues", type_="foreignkey")
        op.drop_column("issues", "inspection_id")
    op.drop_index("ix_workdays_workday_no", table_name="workdays")
    op.drop_table("workdays")
