"""Portfolio quality over time and across groups: month-end trends, cure-rate trend, breakdowns.

When the month-ends have snapshots, the month-end trend is one grouped query over them and the
cure-rate trend two; computed live, each month-end is a pass over the whole book.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, case, func, select

from dashboard.config import Config
from dashboard.kpi import groups
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.portfolio import Portfolio, portfolio_series
from dashboard.kpi.roll import RollRow, roll_rate_series
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import NPL_RANK, bucket_expr, class_expr, loan_state
from db.models import Branch, Channel, Product, SnapshotGroup

GROUPS = {
    "branch_id": (Branch, Branch.branch_id),
    "product_id": (Product, Product.product_id),
    "channel_id": (Channel, Channel.channel_id),
}
BY_COLUMNS = [
    "id",
    "name",
    "loans",
    "balance",
    "overdue_balance",
    "npl_balance",
    "overdue_ratio",
    "npl_ratio",
]
CURE_COLUMNS = ["month", "m0_roll_rate", "m1_cure_rate", "m2_m3_cure_rate", "m1_base", "m2_m3_base"]


def portfolio_trend(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, months: int = 12
) -> list[Portfolio]:
    """The portfolio at each of the last `months` month-ends on or before as_of, oldest first."""
    return portfolio_series(conn, dates=month_ends_until(as_of, months), scope=scope, config=config)


def cure_trend(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, months: int = 12
) -> pd.DataFrame:
    """Per complete month up to as_of: M0 roll rate (flow into collection), M1 cure rate and the
    M2–M3 cure rate (M2 and M3 pooled: cured balance of both / base balance of both)."""
    ends = month_ends_until(as_of, months)
    return cure_frame(
        roll_rate_series(conn, months=[(end.year, end.month) for end in ends], scope=scope, config=config)
    )


def cure_frame(series: dict[tuple[int, int], dict[str, RollRow]]) -> pd.DataFrame:
    """cure_trend's rows from roll_rate_series, one per month in the series' order; for a page that also
    shows a month's roll-rate matrix from the same series."""
    records = []
    for (year, month), rows in series.items():
        m1 = rows["M1"]
        m23_base = rows["M2"].base_balance + rows["M3"].base_balance
        m23_cured = rows["M2"].cured_balance + rows["M3"].cured_balance
        records.append(
            (
                f"{year}-{month:02d}",
                rows["M0"].roll_rate,
                m1.cure_rate,
                ratio(m23_cured, m23_base),
                m1.base_balance,
                m23_base,
            )
        )
    return pd.DataFrame(records, columns=CURE_COLUMNS)


def portfolio_by(conn: Connection, *, as_of: date, scope: Scope, config: Config, by: str) -> pd.DataFrame:
    """Loans, balance, overdue and NPL ratios of the active loans at as_of per branch, product or
    channel (`by` = branch_id, product_id or channel_id), largest balance first. Loans without a
    channel form one group with an empty id and name."""
    if by not in GROUPS:
        raise ValueError(f"cannot break down by {by!r}; expected one of {sorted(GROUPS)}")
    table, key = GROUPS[by]
    in_scope = groups.usable(conn, dates=[as_of], scope=scope)
    if in_scope is None:
        state = loan_state(as_of, scope, config, conn=conn)
        group, count = state.c[by], func.count()
        bucket_ix, class_ix, op_cents = state.c.bucket_ix, state.c.class_ix, state.c.op_cents
        source = state.outerjoin(table, key == group)
    else:
        g = SnapshotGroup
        group, count, op_cents = g.__table__.c[by], func.sum(g.loans), g.op_cents
        bucket_ix = bucket_expr(g.first_due, as_of)
        class_ix = class_expr(g.first_due, g.override_rank, as_of, config, product_id=g.product_id)
        source = SnapshotGroup.__table__.outerjoin(table, key == group)
    overdue = func.sum(case((bucket_ix > 0, op_cents), else_=0))
    npl = func.sum(case((class_ix >= NPL_RANK, op_cents), else_=0))
    balance = func.sum(op_cents)
    query = select(group, table.name, count, balance, overdue, npl).select_from(source)
    if in_scope is not None:
        # A change to a few loans can leave a group summing to nothing: no loans, so no row.
        query = query.where(SnapshotGroup.as_of == as_of, in_scope).having(count > 0)
    rows = conn.execute(query.group_by(group, table.name).order_by(balance.desc(), group)).all()
    return pd.DataFrame(
        [
            (
                group_id,
                name,
                count,
                yuan(total),
                yuan(late),
                yuan(bad),
                ratio(late, total),
                ratio(bad, total),
            )
            for group_id, name, count, total, late, bad in rows
        ],
        columns=BY_COLUMNS,
    )
