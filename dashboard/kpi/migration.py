"""Monthly class migration (issue 15): the 5×5 matrix of each loan's effective class at the start of a month
(the previous month-end) against its end, with counts and balances.

Loans in the book at both dates only: one disbursed during the month, repaid or written off by its end has
no pair of classes. The class is the effective one (DPD floors of the loan's product, and the latest
approved override), as every figure reads it (dashboard.kpi.state).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, func, select

from dashboard.config import Config
from dashboard.kpi.periods import month_end
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models.enums import CLASSES

COLUMNS = ["from_class", "to_class", "loans", "start_balance", "end_balance"]


def month_bounds(year: int, month: int, *, as_of: date) -> tuple[date, date]:
    """The month's start (the day before its first, i.e. the previous month-end) and end (its last day, or
    as_of when the month is not over)."""
    return date(year, month, 1) - timedelta(days=1), min(month_end(year, month), as_of)


def class_migration(
    conn: Connection, *, year: int, month: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """All 25 (from_class, to_class) pairs, worst last, with the loans moving between them and their
    outstanding principal at the start and at the end (yuan, exact)."""
    start, end = month_bounds(year, month, as_of=as_of)
    before = loan_state(start, scope, config, conn=conn)
    after = loan_state(end, scope, config, conn=conn)
    rows = conn.execute(
        select(
            before.c.class_ix,
            after.c.class_ix,
            func.count(),
            func.sum(before.c.op_cents),
            func.sum(after.c.op_cents),
        )
        .join(after, after.c.loan_id == before.c.loan_id)
        .group_by(before.c.class_ix, after.c.class_ix)
    ).all()
    found = {(int(a), int(b)): (int(n), int(s), int(e)) for a, b, n, s, e in rows}
    out = []
    for i, was in enumerate(CLASSES):
        for j, now in enumerate(CLASSES):
            n, s, e = found.get((i, j), (0, 0, 0))
            out.append((was, now, n, Decimal(s) / 100, Decimal(e) / 100))
    return pd.DataFrame(out, columns=COLUMNS)
