"""Inspections page figures beyond dashboard.kpi.inspections: first checks per officer and month, and the
serious-risk exit list's monthly on-site checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, case, func, or_, select

from dashboard.config import Config
from dashboard.kpi.inspections import first_check_tasks
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import add_months, month_end
from dashboard.kpi.scope import Scope
from db.models import EarlyWarning, Inspection, Loan, Repayment
from db.sqlfuncs import month_index

HEATMAP_COLUMNS = ["officer_id", "month", "due", "on_time", "on_time_rate"]


def first_checks_by_officer_month(
    conn: Connection, *, year: int, month: int, months: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """First checks due per officer and month over `months` months ending with (year, month), in one query.

    Months and officers with nothing due are absent, so the heatmap leaves those cells empty."""
    first = add_months(year, month, -(months - 1))
    tasks = first_check_tasks(date(*first, 1), month_end(year, month), as_of, scope, config)
    ix = month_index(tasks.c.due_on)
    rows = conn.execute(
        select(
            tasks.c.officer_id,
            ix,
            func.count(),
            func.coalesce(func.sum(case((tasks.c.done_on <= tasks.c.due_on, 1), else_=0)), 0),
        )
        .group_by(tasks.c.officer_id, ix)
        .order_by(tasks.c.officer_id, ix)
    ).all()
    return pd.DataFrame(
        [
            (officer, f"{int(m) // 12}-{int(m) % 12 + 1:02d}", due, int(on_time), ratio(int(on_time), due))
            for officer, m, due, on_time in rows
        ],
        columns=HEATMAP_COLUMNS,
    )


@dataclass(frozen=True)
class ExitChecks:
    """The serious-risk exit list of a month (issue 17; DOMAIN rule 5): each loan marked for exit needs an
    on-site inspection in every month it stays on the list."""

    loans: pd.DataFrame  # loan_id, branch_id, officer_id, marked_on, checked_on (None: not yet this month)
    marked: int
    checked: int

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.checked, self.marked)


EXIT_COLUMNS = ["loan_id", "branch_id", "officer_id", "marked_on", "checked_on"]


def exit_checks(conn: Connection, *, year: int, month: int, as_of: date, scope: Scope) -> ExitChecks:
    """The loans marked for exit (an early warning answered "propose exit", dashboard.work.warnings) by the
    end of the month (and by as_of), not written off and with principal outstanding at as_of; checked_on:
    the last on-site inspection from the 1st of the month to min(month end, as_of). Unchecked first."""
    first, last = date(year, month, 1), min(month_end(year, month), as_of)
    marked = (
        select(EarlyWarning.loan_id, func.min(EarlyWarning.responded_on).label("marked_on"))
        .where(EarlyWarning.disposition == "propose_exit", EarlyWarning.responded_on <= last)
        .group_by(EarlyWarning.loan_id)
        .subquery()
    )
    checked = (
        select(func.max(Inspection.done_on))
        .where(
            Inspection.loan_id == marked.c.loan_id,
            Inspection.method == "onsite",
            Inspection.done_on.between(first, last),
        )
        .scalar_subquery()
    )
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == Loan.loan_id, Repayment.paid_on <= as_of)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(marked.c.loan_id, Loan.branch_id, Loan.officer_id, marked.c.marked_on, checked)
        .join(Loan, Loan.loan_id == marked.c.loan_id)
        .where(
            scope.condition(),
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > as_of),
            Loan.principal - repaid > 0.005,
        )
        .order_by(case((checked.is_(None), 0), else_=1), marked.c.marked_on, marked.c.loan_id)
    ).all()
    frame = pd.DataFrame(rows, columns=EXIT_COLUMNS)
    return ExitChecks(frame, len(frame), int(frame["checked_on"].notna().sum()))
