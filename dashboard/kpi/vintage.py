"""Vintage curves: 30+ rate by month on book for each disbursement cohort (DOMAIN section 4)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from dashboard.config import Config
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import Cutoffs, bucket_expr, dates_table, has_current_snapshot, loan_state
from db.models import Loan, LoanStateSnapshot
from db.models.enums import BUCKETS
from db.sqlfuncs import cents, month_index, python_month_index

# More than 30 days past due: bucket M2 or worse.
THIRTY_PLUS = BUCKETS.index("M2")
VINTAGE_COLUMNS = ["cohort", "month_on_book", "as_of", "balance_30_plus", "cohort_principal", "rate"]


def vintage(conn: Connection, *, as_of: date, scope: Scope, config: Config, months: int = 12) -> pd.DataFrame:
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
    late = _late(conn, ends, first_cohort, scope, config)
    records = []
    for end in ends:
        for index, total in principal.items():
            mob = python_month_index(end) - index
            if mob < 0:
                continue
            balance = late.get((end, index), 0)
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


def _late(
    conn: Connection, ends: list[date], first_cohort: int, scope: Scope, config: Config
) -> dict[tuple[date, int], int]:
    """(month-end, cohort) -> outstanding principal in cents of the cohort's loans more than 30 days past due
    at the month-end, written-off loans included. From the snapshots, when every month-end has a current one,
    in one query that reads only their past-due rows (a partial index); else month-end by month-end."""
    if all(has_current_snapshot(conn, as_of=end) for end in ends):
        s = LoanStateSnapshot
        periods = dates_table({"as_of": ends}, config, "periods")
        cohort = month_index(Loan.disbursed_on)
        query = (
            select(periods.c.as_of, cohort, func.sum(s.op_cents))
            .select_from(periods)
            .join(s, s.as_of == periods.c.as_of)
            .join(Loan, Loan.loan_id == s.loan_id)
            .where(
                s.first_due.is_not(None),
                bucket_expr(s.first_due, Cutoffs(periods, "as_of")) >= THIRTY_PLUS,
                s.op_cents > 0,
                cohort >= first_cohort,
                scope.condition(),
            )
            .group_by(periods.c.as_of, cohort)
        )
        return {(end, index): total for end, index, total in conn.execute(query).all()}
    late: dict[tuple[date, int], int] = {}
    for end in ends:
        state = loan_state(end, scope, config, active_only=False, conn=conn)
        state_cohort = month_index(state.c.disbursed_on)
        rows = conn.execute(
            select(state_cohort, func.sum(state.c.op_cents))
            .where(state_cohort >= first_cohort, state.c.op_cents > 0, state.c.dpd > 30)
            .group_by(state_cohort)
        ).all()
        late |= {(end, index): total for index, total in rows}
    return late
