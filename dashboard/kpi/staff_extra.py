"""Per-officer visit plan and issue figures (DOMAIN section 4, "Visits" and "Issues"), one query each."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, select

from dashboard.config import Config, config_from
from dashboard.kpi.issues import report_deadline
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import quarter_bounds
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Issue, Loan, Visit

VISIT_COLUMNS = ["officer_id", "planned", "done", "completion"]
ISSUE_COLUMNS = [
    "officer_id",
    "raised",
    "resolved",
    "serious",
    "reported_on_time",
    "feedback_on_time_rate",
    "resolution_rate",
]


def visit_plan_by_officer(
    conn: Connection, *, year: int, quarter: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """visit_plan grouped by the loan's account officer (same plan: active through the whole quarter)."""
    first, last = quarter_bounds(year, quarter)
    last = min(last, as_of)
    if last < first:
        return pd.DataFrame(columns=VISIT_COLUMNS)
    state = loan_state(last, scope, config, conn=conn)
    visited = exists().where(Visit.loan_id == state.c.loan_id, Visit.visited_on.between(first, last))
    rows = conn.execute(
        select(state.c.officer_id, func.count(), func.coalesce(func.sum(case((visited, 1), else_=0)), 0))
        .where(state.c.disbursed_on <= first)
        .group_by(state.c.officer_id)
        .order_by(state.c.officer_id)
    ).all()
    return pd.DataFrame(
        [(officer, planned, done, ratio(done, planned)) for officer, planned, done in rows],
        columns=VISIT_COLUMNS,
    )


def issue_figures_by_officer(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config | None = None
) -> pd.DataFrame:
    """issue_figures grouped by the loan's account officer, over issues raised in [start, min(end, D)]."""
    serious = Issue.severity.in_(("important", "major"))
    on_time = and_(
        serious, Issue.reported_on <= as_of, Issue.reported_on <= report_deadline(config or config_from(conn))
    )
    resolved = and_(Issue.resolved_on.is_not(None), Issue.resolved_on <= as_of)

    def count_of(condition):  # type: ignore[no-untyped-def]
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = conn.execute(
        select(Loan.officer_id, func.count(), count_of(resolved), count_of(serious), count_of(on_time))
        .join(Loan, Loan.loan_id == Issue.loan_id)
        .where(Issue.raised_on.between(start, min(end, as_of)), scope.condition())
        .group_by(Loan.officer_id)
        .order_by(Loan.officer_id)
    ).all()
    return pd.DataFrame(
        [
            (officer, raised, res, ser, ok, ratio(ok, ser), ratio(res, raised))
            for officer, raised, res, ser, ok in rows
        ],
        columns=ISSUE_COLUMNS,
    )
