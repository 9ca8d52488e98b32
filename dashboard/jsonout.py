"""The JSON shapes of `postloan kpi …`: one place that turns KPI results into plain data."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard.kpi.agencies import AgencyScore
from dashboard.kpi.inspections import FirstChecks
from dashboard.kpi.migration import MonthMigration
from dashboard.kpi.portfolio import Portfolio
from dashboard.kpi.roll import RollRow
from dashboard.kpi.staff import OfficerScore
from dashboard.kpi.tasks import COLUMNS as TASK_COLUMNS


def _plain(value: Any) -> Any:
    # Amounts have two decimals and ratios are unrounded; float's shortest repr keeps both readable.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any) -> str:
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2)


def records_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A KPI table as a list of rows, empty cells (None, NaN, NaT) as null."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def portfolio_json(p: Portfolio) -> dict[str, Any]:
    return {
        "as_of": p.as_of,
        "active_loans": p.active_loans,
        "balance": p.balance,
        "overdue_ratio": p.overdue_ratio,
        "npl_ratio": p.npl_ratio,
        "par30": p.par30,
        "par90": p.par90,
        "balance_by_bucket": p.balance_by_bucket,
        "balance_by_class": p.balance_by_class,
        "count_by_bucket": p.count_by_bucket,
        "count_by_class": p.count_by_class,
    }


def roll_json(rows: dict[str, RollRow]) -> dict[str, Any]:
    return {
        bucket: {
            "base_count": r.base_count,
            "base_balance": r.base_balance,
            "roll_rate": r.roll_rate,
            "cure_rate": r.cure_rate,
        }
        for bucket, r in rows.items()
    }


def migration_json(m: MonthMigration) -> dict[str, Any]:
    """The month's dates, the 25 cells of the matrix, the movers with their cause, the branches."""
    return {
        "start": m.start,
        "end": m.end,
        "matrix": m.matrix.to_dict("records"),
        "movers": m.movers.to_dict("records"),
        "by_branch": m.by_branch.to_dict("records"),
    }


def first_checks_json(fc: FirstChecks) -> dict[str, Any]:
    return {
        "due": fc.due,
        "done": fc.done,
        "on_time": fc.on_time,
        "pending": fc.pending,
        "completion_rate": fc.completion_rate,
        "on_time_rate": fc.on_time_rate,
    }


def agencies_json(scores: list[AgencyScore]) -> list[dict[str, Any]]:
    return [
        {
            "agency_id": s.agency_id,
            "cases": s.cases,
            "placed_amount": s.placed_amount,
            "recovered": s.recovered,
            "recovery_rate": s.recovery_rate,
            "coverage": s.coverage,
            "field_visit_rate": s.field_visit_rate,
            "calls_per_case": s.calls_per_case,
            "ptp_kept_rate": s.ptp_kept_rate,
            "commission": s.commission,
        }
        for s in scores
    ]


def staff_json(scores: list[OfficerScore], departed: list[OfficerScore]) -> list[dict[str, Any]]:
    """The scored officers, then those who had left by the as-of date (over what they still held), marked."""
    return [
        {
            "staff_id": s.staff_id,
            "balance": s.balance,
            "overdue_ratio": s.overdue_ratio,
            "npl_ratio": s.npl_ratio,
            "meets_targets": s.meets_targets,
            "departed": gone,
        }
        for group, gone in ((scores, False), (departed, True))
        for s in group
    ]


def tasks_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One object per loan of a task list, with plain Python values (numpy's are not JSON)."""
    rows = []
    for record in frame[TASK_COLUMNS].to_dict("records"):
        rows.append({key: value.item() if hasattr(value, "item") else value for key, value in record.items()})
    return rows
