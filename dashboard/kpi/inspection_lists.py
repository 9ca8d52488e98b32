"""Inspections page figures beyond dashboard.kpi.inspections: first checks per officer and month."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, case, func, select

from dashboard.config import Config
from dashboard.kpi.inspections import first_check_tasks
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import add_months, month_end
from dashboard.kpi.scope import Scope
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
