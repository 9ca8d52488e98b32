"""Issue feedback timeliness and resolution (DOMAIN section 4, rule 8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, select

from dashboard.kpi.money import ratio
from dashboard.kpi.scope import Scope
from db.models import Issue
from db.sqlfuncs import add_days, weekday


@dataclass(frozen=True)
class IssueFigures:
    raised: int
    resolved: int
    serious: int
    reported_on_time: int

    @property
    def feedback_on_time_rate(self) -> Decimal | None:
        return ratio(self.reported_on_time, self.serious)

    @property
    def resolution_rate(self) -> Decimal | None:
        return ratio(self.resolved, self.raised)


def report_deadline():  # type: ignore[no-untyped-def]
    """raised_on + 1 working day: Friday -> Monday, Saturday -> Monday, Sunday -> Monday."""
    dow = weekday(Issue.raised_on)
    return add_days(Issue.raised_on, case((dow == 5, 3), (dow == 6, 2), else_=1))


def issue_figures(conn: Connection, *, start: date, end: date, as_of: date, scope: Scope) -> IssueFigures:
    """Over the issues raised in [start, min(end, as_of)]."""
    serious = Issue.severity.in_(("important", "major"))
    on_time = and_(serious, Issue.reported_on <= as_of, Issue.reported_on <= report_deadline())
    resolved = and_(Issue.resolved_on.is_not(None), Issue.resolved_on <= as_of)
    raised, resolved_count, serious_count, on_time_count = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((resolved, 1), else_=0)), 0),
            func.coalesce(func.sum(case((serious, 1), else_=0)), 0),
            func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
        ).where(Issue.raised_on.between(start, min(end, as_of)), Issue.loan_id.in_(scope.loan_ids()))
    ).one()
    return IssueFigures(
        raised=raised, resolved=resolved_count, serious=serious_count, reported_on_time=on_time_count
    )
