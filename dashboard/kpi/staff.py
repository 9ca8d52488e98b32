"""Staff KPIs (DOMAIN section 4, "Staff"): officer ratios after the cut-off, recoveries, hand-over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select

from dashboard.config import Config
from dashboard.kpi import groups
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import NPL_RANK, bucket_expr, class_expr, loan_state
from db.models import CollectorAssignment, Loan, Repayment, SnapshotGroup, Staff
from db.sqlfuncs import cents


@dataclass(frozen=True)
class OfficerScore:
    staff_id: str
    name: str
    active_loans: int
    balance: Decimal
    overdue_balance: Decimal
    npl_balance: Decimal
    overdue_max: Decimal
    npl_max: Decimal

    @property
    def overdue_ratio(self) -> Decimal | None:
        return ratio(self.overdue_balance, self.balance)

    @property
    def npl_ratio(self) -> Decimal | None:
        return ratio(self.npl_balance, self.balance)

    @property
    def meets_targets(self) -> bool:
        overdue, npl = self.overdue_ratio, self.npl_ratio
        return overdue is not None and npl is not None and overdue <= self.overdue_max and npl <= self.npl_max


def combined_ratios(scores: list[OfficerScore]) -> tuple[Decimal | None, Decimal | None]:
    """The overdue and NPL ratios of these officers' loans taken together: balances summed, then divided,
    not an average of the officers' ratios."""
    balance = sum((s.balance for s in scores), start=Decimal(0))
    return (
        ratio(sum((s.overdue_balance for s in scores), start=Decimal(0)), balance),
        ratio(sum((s.npl_balance for s in scores), start=Decimal(0)), balance),
    )


def officer_scores(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, cutoff: date | None = None
) -> list[OfficerScore]:
    """Account officers with active loans disbursed after the cut-off date.

    From the snapshot groups when they can answer: every officer's active loans less those disbursed on or
    before the cut-off (none at all when the cut-off is older than the book), which an index on the loans'
    disbursement date finds."""
    cutoff = cutoff or config.staff_cutoff
    in_scope = groups.usable(conn, dates=[as_of], scope=scope)
    if in_scope is None:
        state = loan_state(as_of, scope, config, conn=conn)
        sums = _officer_sums(conn, state.c, func.count(), state.c.disbursed_on > cutoff)
    else:
        grouped = _grouped_state(as_of, config, in_scope)
        sums = _officer_sums(conn, grouped, func.sum(grouped.loans))
        state = loan_state(as_of, scope, config, conn=conn)
        for key, old in _officer_sums(conn, state.c, func.count(), state.c.disbursed_on <= cutoff).items():
            sums[key] = [total - part for total, part in zip(sums[key], old, strict=True)]
    return [
        OfficerScore(
            staff_id=staff_id,
            name=name,
            active_loans=count,
            balance=yuan(balance),
            overdue_balance=yuan(overdue),
            npl_balance=yuan(npl),
            overdue_max=config.officer_overdue_max,
            npl_max=config.officer_npl_max,
        )
        for (staff_id, name), (count, balance, overdue, npl) in sorted(sums.items())
        if count > 0
    ]


def _grouped_state(as_of: date, config: Config, in_scope: ColumnElement[bool]) -> Any:
    """The snapshot groups of as_of in scope, with the column names of loan_state that _officer_sums reads."""
    g = SnapshotGroup
    return (
        select(
            g.officer_id,
            g.loans,
            g.op_cents,
            bucket_expr(g.first_due, as_of).label("bucket_ix"),
            class_expr(g.first_due, g.override_rank, as_of, config, product_id=g.product_id).label(
                "class_ix"
            ),
        )
        .where(g.as_of == as_of, in_scope)
        .subquery("grouped")
        .c
    )


def _officer_sums(
    conn: Connection, state: Any, count: ColumnElement[int], *where: ColumnElement[bool]
) -> dict[tuple[str, str], list[int]]:
    """(staff id, name) -> [loans, balance, overdue balance, NPL balance] in cents, over `state`'s rows (a
    loan_state, or the snapshot groups) that meet `where`; `count` counts the loans of those rows."""
    rows = conn.execute(
        select(
            Staff.staff_id,
            Staff.name,
            count,
            func.sum(state.op_cents),
            func.sum(case((state.bucket_ix > 0, state.op_cents), else_=0)),
            func.sum(case((state.class_ix >= NPL_RANK, state.op_cents), else_=0)),
        )
        .join(Staff, Staff.staff_id == state.officer_id)
        .where(Staff.role == "account_officer", *where)
        .group_by(Staff.staff_id, Staff.name)
    ).all()
    return {(staff_id, name): [int(v) for v in values] for staff_id, name, *values in rows}


def collector_recoveries(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope
) -> pd.DataFrame:
    """Repaid in the period on loans while assigned to each collector (assigned when past due).

    An assignment covers [assigned_on, ended_on): on the hand-over day the loan and its payments are the
    new collector's only (DOMAIN section 5, "End dates")."""
    last = min(end, as_of)
    a = CollectorAssignment
    # Each assignment's payments summed on the (loan_id, paid_on) index: joining every payment of the
    # period to the assignments read every payment of the month, most of them for other loans.
    since = case((a.assigned_on > start, a.assigned_on), else_=start)
    until = case(
        (and_(a.ended_on.is_not(None), a.ended_on <= last), a.ended_on), else_=last + timedelta(days=1)
    )
    recovered = (
        select(func.coalesce(func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)), 0))
        .where(Repayment.loan_id == a.loan_id, Repayment.paid_on >= since, Repayment.paid_on < until)
        .scalar_subquery()
    )
    query = (
        select(a.staff_id, Staff.name, Staff.role, func.count(func.distinct(a.loan_id)), func.sum(recovered))
        .join(Staff, Staff.staff_id == a.staff_id)
        .where(
            a.assigned_on <= last,
            or_(a.ended_on.is_(None), and_(a.ended_on > start, a.ended_on > a.assigned_on)),
        )
        .group_by(a.staff_id, Staff.name, Staff.role)
        .order_by(a.staff_id)
    )
    if not scope.is_everything:
        query = query.join(Loan, Loan.loan_id == a.loan_id).where(scope.condition())
    rows = conn.execute(query).all()
    return pd.DataFrame(
        [(s, n, r, c, yuan(v)) for s, n, r, c, v in rows],
        columns=["staff_id", "name", "role", "loans", "recovered"],
    )


def handover_list(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, limit: int = 5000
) -> pd.DataFrame:
    """Active loans whose account officer left on or before as_of."""
    state = loan_state(as_of, scope, config, conn=conn)
    rows = conn.execute(
        select(
            state.c.loan_id,
            state.c.officer_id,
            Staff.name,
            Staff.left_on,
            state.c.branch_id,
            state.c.op_cents,
            state.c.dpd,
        )
        .join(Staff, Staff.staff_id == state.c.officer_id)
        .where(Staff.left_on.is_not(None), Staff.left_on <= as_of)
        .order_by(state.c.dpd.desc(), state.c.loan_id)
        .limit(limit)
    ).all()
    return pd.DataFrame(
        [(loan, o, n, left, b, yuan(op), dpd) for loan, o, n, left, b, op, dpd in rows],
        columns=[
            "loan_id",
            "officer_id",
            "officer_name",
            "left_on",
            "branch_id",
            "outstanding_principal",
            "dpd",
        ],
    )
