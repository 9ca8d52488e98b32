"""Quarterly visit plan (DOMAIN section 4, rule 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, case, exists, func, select

from dashboard.config import Config
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import quarter_bounds
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Visit


@dataclass(frozen=True)
class VisitPlan:
    planned: int
    done: int

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.done, self.planned)


def visit_plan(
    conn: Connection, *, year: int, quarter: int, as_of: date, scope: Scope, config: Config
) -> VisitPlan:
    """Loans active through the whole quarter, and those of them visited in it.

    A loan active at the quarter's end was active every day since its start (principal only goes
    down and a write-off is final), so "disbursed by the first day and active on the last" suffices.
    For a quarter still running, the last day is as_of.
    """
    first, last = quarter_bounds(year, quarter)
    last = min(last, as_of)
    state = loan_state(last, scope, config, conn=conn)
    visited = exists().where(Visit.loan_id == state.c.loan_id, Visit.visited_on.between(first, last))
    planned, done = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((visited, 1), else_=0)), 0)).where(
            state.c.disbursed_on <= first
        )
    ).one()
    return VisitPlan(planned=planned, done=done)
