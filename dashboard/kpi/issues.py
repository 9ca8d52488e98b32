"""Issue feedback timeliness and resolution (DOMAIN section 4, rule 8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config, config_from
from dashboard.kpi.money import ratio
from dashboard.kpi.scope import Scope
from dashboard.workdays import workday_after
from db.models import Issue

SERIOUS = ("important", "major")  # the severities with a reporting deadline (rule 8)
DEADLINE_COLUMNS = [
    "issue_id",
    "loan_id",
    "severity",
    "raised_on",
    "report_deadline",
    "reported_on",
    "reported_on_time",
    "resolved_on",
    "status",
]


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


def report_deadline(config: Config) -> ColumnElement[date]:
    """raised_on + the severity's working days (rule 8: important 1, major 0 = the same working day), by the
    working-day calendar; NULL for general issues, which have no reporting deadline."""
    days = case((Issue.severity == "major", config.major_issue_report_days), else_=config.issue_report_days)
    return case((Issue.severity.in_(SERIOUS), workday_after(Issue.raised_on, days)), else_=None)


def issue_figures(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config | None = None
) -> IssueFigures:
    """Over the issues raised in [start, min(end, as_of)]."""
    serious = Issue.severity.in_(SERIOUS)
    deadline = report_deadline(config or config_from(conn))
    on_time = and_(serious, Issue.reported_on <= as_of, Issue.reported_on <= deadline)
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


def issue_deadlines(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config | None = None
) -> pd.DataFrame:
    """Each issue raised in [start, min(end, as_of)] with its reporting deadline and whether it was
    reported by then (None for general issues, which have none), as known at as_of: a report or a
    resolution dated after as_of is not yet made. status: resolved, reported or open."""
    deadline = report_deadline(config or config_from(conn))
    reported = case((Issue.reported_on <= as_of, Issue.reported_on), else_=None)
    resolved = case((Issue.resolved_on <= as_of, Issue.resolved_on), else_=None)
    on_time = case(
        (Issue.severity.not_in(SERIOUS), None),
        (and_(Issue.reported_on <= as_of, Issue.reported_on <= deadline), True),
        else_=False,
    )
    status = case(
        (Issue.resolved_on <= as_of, "resolved"), (Issue.reported_on <= as_of, "reported"), else_="open"
    )
    rows = conn.execute(
        select(
            Issue.issue_id,
            Issue.loan_id,
            Issue.severity,
            Issue.raised_on,
            deadline,
            reported,
            on_time,
            resolved,
            status,
        )
        .where(Issue.raised_on.between(start, min(end, as_of)), Issue.loan_id.in_(scope.loan_ids()))
        .order_by(Issue.raised_on, Issue.issue_id)
    ).all()
    frame = pd.DataFrame(rows, columns=DEADLINE_COLUMNS)
    frame["reported_on_time"] = frame["reported_on_time"].map(lambda v: None if v is None else bool(v))
    return frame
