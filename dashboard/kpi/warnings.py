"""Early-warning figures (issue 17): warnings open, and answered within their working-day deadline, by
branch and officer."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from dashboard.kpi.money import ratio
from dashboard.kpi.scope import Scope
from db.models import EarlyWarning, Loan

COLUMNS = [
    "branch_id",
    "officer_id",
    "opened",
    "open",
    "responded",
    "due",
    "responded_in_time",
    "in_time_rate",
]


def warning_figures(conn: Connection, *, start: date, end: date, as_of: date, scope: Scope) -> pd.DataFrame:
    """Per branch of the loan and officer, over the warnings whose signal was seen in
    [start, min(end, as_of)]: opened; open (no disposition by as_of); responded (a disposition by as_of);
    due (responded, or past its deadline at as_of); responded in time (a disposition on or before
    respond_by);
    in-time rate = responded in time / due (empty when nothing is due)."""
    responded = and_(EarlyWarning.responded_on.is_not(None), EarlyWarning.responded_on <= as_of)
    in_time = and_(responded, EarlyWarning.responded_on <= EarlyWarning.respond_by)
    due = or_(responded, EarlyWarning.respond_by < as_of)

    def count_of(condition):  # type: ignore[no-untyped-def]
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = conn.execute(
        select(
            Loan.branch_id,
            EarlyWarning.officer_id,
            func.count(),
            count_of(~responded),
            count_of(responded),
            count_of(due),
            count_of(in_time),
        )
        .join(Loan, Loan.loan_id == EarlyWarning.loan_id)
        .where(EarlyWarning.observed_on.between(start, min(end, as_of)), scope.condition())
        .group_by(Loan.branch_id, EarlyWarning.officer_id)
        .order_by(Loan.branch_id, EarlyWarning.officer_id)
    ).all()
    return pd.DataFrame(
        [(*row, ratio(row[-1], row[-2])) for row in rows],
        columns=COLUMNS,
    )
