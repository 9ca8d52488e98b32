"""Portfolio at D: balance, overdue / NPL / PAR ratios, balance and count by bucket and by class."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, func, or_, select

from dashboard.config import Config
from dashboard.kpi import groups
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import (
    NPL_RANK,
    Cutoffs,
    bucket_expr,
    bucket_name,
    class_expr,
    class_name,
    dates_table,
    has_current_snapshot,
    loan_state,
)
from db.models import Agency, Loan, LoanStateSnapshot, Placement, SnapshotGroup
from db.models.enums import BUCKETS, CLASSES


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    active_loans: int
    balance: Decimal
    overdue_balance: Decimal
    npl_balance: Decimal
    par30_balance: Decimal
    par90_balance: Decimal
    balance_by_bucket: dict[str, Decimal] = field(default_factory=dict)
    count_by_bucket: dict[str, int] = field(default_factory=dict)
    balance_by_class: dict[str, Decimal] = field(default_factory=dict)
    count_by_class: dict[str, int] = field(default_factory=dict)

    @property
    def overdue_ratio(self) -> Decimal | None:
        return ratio(self.overdue_balance, self.balance)

    @property
    def npl_ratio(self) -> Decimal | None:
        return ratio(self.npl_balance, self.balance)

    @property
    def par30(self) -> Decimal | None:
        return ratio(self.par30_balance, self.balance)

    @property
    def par90(self) -> Decimal | None:
        return ratio(self.par90_balance, self.balance)


def portfolio(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> Portfolio:
    grouped = _from_snapshot_groups(conn, [as_of], scope, config)
    if grouped is not None:
        return grouped[0]
    state = loan_state(as_of, scope, config, conn=conn)
    rows = conn.execute(
        select(state.c.bucket_ix, state.c.class_ix, func.count(), func.sum(state.c.op_cents)).group_by(
            state.c.bucket_ix, state.c.class_ix
        )
    ).all()
    return _from_groups(as_of, rows)


def portfolio_series(conn: Connection, *, dates: list[date], scope: Scope, config: Config) -> list[Portfolio]:
    """portfolio() at each date; when every date has a current snapshot, in one grouped query."""
    grouped = _from_snapshot_groups(conn, dates, scope, config)
    if grouped is not None:
        return grouped
    if not dates or not all(has_current_snapshot(conn, as_of=d) for d in dates):
        return [portfolio(conn, as_of=d, scope=scope, config=config) for d in dates]
    s = LoanStateSnapshot
    bucket_ix = bucket_expr(s.first_due, s.as_of)
    class_ix = class_expr(s.first_due, s.override_rank, s.as_of, config, product_id=Loan.product_id)
    query = (
        select(s.as_of, bucket_ix, class_ix, func.count(), func.sum(s.op_cents))
        .join(Loan, Loan.loan_id == s.loan_id)
        .where(s.as_of.in_(dates), s.active == 1)
    )
    if not scope.is_everything:
        query = query.where(s.loan_id.in_(scope.loan_ids()))
    return _by_date(dates, conn.execute(query.group_by(s.as_of, bucket_ix, class_ix)).all())


def _from_snapshot_groups(
    conn: Connection, dates: list[date], scope: Scope, config: Config
) -> list[Portfolio] | None:
    """The portfolios from the snapshot groups (dashboard.kpi.groups), or None when they cannot say."""
    in_scope = groups.usable(conn, dates=dates, scope=scope)
    if in_scope is None:
        return None
    g = SnapshotGroup
    periods = dates_table({"as_of": dates}, config, "periods")
    at = Cutoffs(periods, "as_of")
    bucket_ix = bucket_expr(g.first_due, at)
    class_ix = class_expr(g.first_due, g.override_rank, at, config, product_id=g.product_id)
    query = (
        select(periods.c.as_of, bucket_ix, class_ix, func.sum(g.loans), func.sum(g.op_cents))
        .select_from(periods)
        .join(g, g.as_of == periods.c.as_of)
        .where(in_scope)
        .group_by(periods.c.as_of, bucket_ix, class_ix)
    )
    return _by_date(dates, conn.execute(query).all())


def _by_date(dates: list[date], rows) -> list[Portfolio]:  # type: ignore[no-untyped-def]
    """The portfolio of each date from (as_of, bucket_ix, class_ix, count, op_cents) groups."""
    by_date: dict[date, list[tuple[int, int, int, int]]] = {d: [] for d in dates}
    for as_of, *group in rows:
        by_date[as_of].append(tuple(group))  # type: ignore[arg-type]
    return [_from_groups(d, by_date[d]) for d in dates]


def _from_groups(as_of: date, rows) -> Portfolio:  # type: ignore[no-untyped-def]
    """The portfolio from (bucket_ix, class_ix, count, op_cents) groups."""
    by_bucket = dict.fromkeys(BUCKETS, 0)
    count_bucket = dict.fromkeys(BUCKETS, 0)
    by_class = dict.fromkeys(CLASSES, 0)
    count_class = dict.fromkeys(CLASSES, 0)
    npl = 0
    for bucket_ix, class_ix, count, op_cents in rows:
        by_bucket[bucket_name(bucket_ix)] += op_cents
        count_bucket[bucket_name(bucket_ix)] += count
        by_class[class_name(class_ix)] += op_cents
        count_class[class_name(class_ix)] += count
        if class_ix >= NPL_RANK:
            npl += op_cents
    total = sum(by_bucket.values())
    return Portfolio(
        as_of=as_of,
        active_loans=sum(count_bucket.values()),
        balance=yuan(total),
        overdue_balance=yuan(total - by_bucket["M0"]),
        npl_balance=yuan(npl),
        par30_balance=yuan(by_bucket["M2"] + by_bucket["M3"] + by_bucket["M3+"]),
        par90_balance=yuan(by_bucket["M3+"]),
        balance_by_bucket={k: yuan(v) for k, v in by_bucket.items()},
        count_by_bucket=count_bucket,
        balance_by_class={k: yuan(v) for k, v in by_class.items()},
        count_by_class=count_class,
    )


LOAN_COLUMNS = ["loan_id", "dpd", "bucket", "classification", "outstanding_principal", "overdue_amount"]


@dataclass(frozen=True)
class LoansTotal:
    """How many loans a drill-down list holds and their balance: the figure it was opened from."""

    loans: int
    balance: Decimal


def _loans_query(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    overdue_only: bool = False,
    bucket: str | None = None,
    classification: str | None = None,
    max_dpd: int | None = None,
    agency_id: str | None = None,
) -> Select:
    """The active loans behind a portfolio figure: loan_id, dpd, bucket_ix, class_ix, op_cents,
    overdue_cents."""
    past_due = overdue_only or (bucket is not None and bucket != BUCKETS[0])
    state = loan_state(as_of, scope, config, past_due=past_due, conn=conn)
    query = select(
        state.c.loan_id,
        state.c.dpd,
        state.c.bucket_ix,
        state.c.class_ix,
        state.c.op_cents,
        state.c.overdue_cents,
    )
    if overdue_only:
        query = query.where(state.c.bucket_ix > 0)
    if bucket is not None:
        query = query.where(state.c.bucket_ix == BUCKETS.index(bucket))
    if classification is not None:
        query = query.where(state.c.class_ix == CLASSES.index(classification))
    if max_dpd is not None:
        query = query.where(state.c.dpd <= max_dpd)
    if agency_id is not None:
        placed_now = select(Placement.loan_id).where(
            Placement.agency_id == agency_id,
            Placement.placed_on <= as_of,
            or_(Placement.recalled_on.is_(None), Placement.recalled_on > as_of),
        )
        query = query.where(state.c.loan_id.in_(placed_now))
    return query


def agency_ids(conn: Connection) -> list[str]:
    """The agencies a loan list can be narrowed to (`?agency=`)."""
    return list(conn.scalars(select(Agency.agency_id).order_by(Agency.agency_id)))


def _worst_first(query: Select) -> Select:
    """The drill-down's order, shared by the list and its streamed export: highest DPD first."""
    return query.order_by(query.selected_columns.dpd.desc(), query.selected_columns.loan_id)


def _loan_row(row: Sequence[Any]) -> tuple[Any, ...]:
    loan_id, dpd, b, c, op, overdue = row
    return (loan_id, int(dpd), bucket_name(b), class_name(c), yuan(op), yuan(overdue))


def loans_at(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    overdue_only: bool = False,
    bucket: str | None = None,
    classification: str | None = None,
    max_dpd: int | None = None,
    agency_id: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The active loans behind a portfolio figure, worst first (the drill-down list)."""
    query = _loans_query(
        conn,
        as_of=as_of,
        scope=scope,
        config=config,
        overdue_only=overdue_only,
        bucket=bucket,
        classification=classification,
        max_dpd=max_dpd,
        agency_id=agency_id,
    )
    query = _worst_first(query)
    if limit is not None:
        query = query.limit(limit)
    return pd.DataFrame([_loan_row(row) for row in conn.execute(query)], columns=LOAN_COLUMNS)


def loans_total(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    bucket: str | None = None,
    classification: str | None = None,
    agency_id: str | None = None,
) -> LoansTotal:
    """The count and balance of every loan loans_at lists with these arguments (not only the rows a page
    shows), summed by the database."""
    rows = _loans_query(
        conn,
        as_of=as_of,
        scope=scope,
        config=config,
        bucket=bucket,
        classification=classification,
        agency_id=agency_id,
    ).subquery()
    count, cents = conn.execute(select(func.count(), func.coalesce(func.sum(rows.c.op_cents), 0))).one()
    return LoansTotal(loans=int(count), balance=yuan(cents))


def iter_loans_at(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    bucket: str | None = None,
    classification: str | None = None,
    agency_id: str | None = None,
    batch: int = 10_000,
) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of loans_at (LOAN_COLUMNS, worst first), a batch at a time from a server-side cursor: an
    export of a whole book never holds it as one frame."""
    query = _loans_query(
        conn,
        as_of=as_of,
        scope=scope,
        config=config,
        bucket=bucket,
        classification=classification,
        agency_id=agency_id,
    )
    query = _worst_first(query)
    result = conn.execution_options(yield_per=batch).execute(query)
    for rows in result.partitions():
        yield [_loan_row(row) for row in rows]
