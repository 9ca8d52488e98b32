"""Vintage curves: 30+ rate by month on book for each disbursement cohort (DOMAIN section 4)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from dashboard.config import Config
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Loan
from db.sqlfuncs import cents, month_index, python_month_index

VINTAGE_COLUMNS = ["cohort", "month_on_book", "as_of", "balance_30_plus", "cohort_principal", "rate"]


def vintage(conn: Connection, as_of: date, scope: Scope, config: Config, *, months: int = 12) -> pd.DataFrame:
    """One row per (cohort, month on book) for the cohorts of the last `months` months.

    A written-off loan keeps its outstanding principal (a write-off repays nothing), so it stays in
    its cohort's 30+ balance: the curve shows what the cohort lost, not what is still on the books.
    """
    ends = month_ends_until(as_of, months)
    first_cohort = python_month_index(ends[0])
    cohort = month_index(Loan.disbursed_on)
    principal = dict(
        conn.execute(
            select(cohort, func.sum(cents(Loan.principal)))
            .where(scope.condition(), cohort >= first_cohort, Loan.disbursed_on <= as_of)
            .group_by(cohort)
        ).all()
    )
    records = []
    for end in ends:
        state = loan_state(end, scope, config, active_only=False, conn=conn)
        state_cohort = month_index(state.c.disbursed_on)
        rows = conn.execute(
            select(state_cohort, func.sum(state.c.op_cents))
            .where(state_cohort >= first_cohort, state.c.op_cents > 0, state.c.dpd > 30)
            .group_by(state_cohort)
        ).all()
        late = dict(rows)
        for index, total in principal.items():
            mob = python_month_index(end) - index
            if mob < 0:
                continue
            balance = late.get(index, 0)
            records.append(
                (
                    f"{index // 12}-{index % 12 + 1:02d}",
                    mob,
                    end,
                    yuan(balance),
                    yuan(total),
                    ratio(balance, total),
                )
            )
    return pd.DataFrame(records, columns=VINTAGE_COLUMNS)
