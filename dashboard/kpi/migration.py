"""Monthly class migration (issue 15): the 5×5 matrix of each loan's effective class at the start of a month
(the previous month-end) against its end, with counts and balances; the loans that moved, each with its
cause; upgrades and downgrades by branch.

Loans in the book at both dates only: one disbursed during the month, repaid or written off by its end has
no pair of classes. The class is the effective one (DPD floors of the loan's product, and the latest
approved override), as every figure reads it (dashboard.kpi.state). Floors are applied at query time, so
both dates are read with today's floors: an edit of a product's floors moves no loan within a month here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, literal, select

from dashboard.config import Config
from dashboard.kpi.periods import month_end
from dashboard.kpi.restructured import observation_moved
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import class_expr, loan_state
from db.models import Branch, ClassificationProposal, Repayment
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


# Why a loan's effective class moved in the month (DOMAIN section 4, "Class migration"), tested in this order.
CAUSES = ("override", "restructuring", "repayment", "dpd_floor")
MOVER_COLUMNS = [
    "loan_id",
    "branch_id",
    "product_id",
    "officer_id",
    "from_class",
    "to_class",
    "direction",
    "cause",
    "dpd_start",
    "dpd_end",
    "start_balance",
    "end_balance",
]


def migration_movers(
    conn: Connection, *, year: int, month: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """The loans whose effective class at the month's end differs from its start, downgrades first (worst
    class, then largest end balance), each with its cause:

    - override: an override took effect in the month (its latest override at the end is not the one at
      the start) and, with the start's override, the loan would not have its end class;
    - restructuring: such an override approved in the month from a proposal of that class ticking the
      trigger "restructured", or the loan entered or left a restructuring's observation period in the month
      (the restructured floor is part of the override rank: dashboard.kpi.restructured);
    - repayment: otherwise, an upgrade of a loan with a repayment in the month (DPD falls only when the
      oldest unpaid instalment is paid);
    - dpd_floor: otherwise: the days past due crossed a floor of the loan's product.
    Balances are outstanding principal (yuan, exact) at each date."""
    start, end = month_bounds(year, month, as_of=as_of)
    before = loan_state(start, scope, config, conn=conn)
    after = loan_state(end, scope, config, conn=conn)
    no_override = literal(0)
    repaid = exists().where(
        Repayment.loan_id == after.c.loan_id, Repayment.paid_on > start, Repayment.paid_on <= end
    )
    p = ClassificationProposal
    # The approval behind the loan's class at the end: in the month, naming the class of its latest override.
    override_class = case(*((after.c.override_rank == rank, name) for rank, name in enumerate(CLASSES)))
    restructured = exists().where(
        p.loan_id == after.c.loan_id,
        p.status == "approved",
        p.effective_on > start,
        p.effective_on <= end,
        p.classification == override_class,
        p.triggers.like("%restructured%"),
    ) | observation_moved(after.c.loan_id, start, end)
    rows = conn.execute(
        select(
            after.c.loan_id,
            after.c.branch_id,
            after.c.product_id,
            after.c.officer_id,
            before.c.class_ix.label("was"),
            after.c.class_ix.label("now"),
            before.c.override_rank.label("override_was"),
            after.c.override_rank.label("override_now"),
            class_expr(after.c.first_due, no_override, end, config, product_id=after.c.product_id).label(
                "floor_now"
            ),
            before.c.dpd.label("dpd_start"),
            after.c.dpd.label("dpd_end"),
            before.c.op_cents.label("start_cents"),
            after.c.op_cents.label("end_cents"),
            repaid.label("repaid"),
            restructured.label("restructured"),
        )
        .join(before, before.c.loan_id == after.c.loan_id)
        .where(before.c.class_ix != after.c.class_ix)
    ).all()
    out = []
    for r in rows:
        was, now = int(r.was), int(r.now)
        if int(r.override_was) != int(r.override_now) and max(int(r.floor_now), int(r.override_was)) != now:
            cause = "restructuring" if r.restructured else "override"
        elif now < was and r.repaid:
            cause = "repayment"
        else:
            cause = "dpd_floor"
        out.append(
            (
                r.loan_id,
                r.branch_id,
                r.product_id,
                r.officer_id,
                CLASSES[was],
                CLASSES[now],
                "downgrade" if now > was else "upgrade",
                cause,
                int(r.dpd_start),
                int(r.dpd_end),
                Decimal(int(r.start_cents)) / 100,
                Decimal(int(r.end_cents)) / 100,
            )
        )
    frame = pd.DataFrame(out, columns=MOVER_COLUMNS)
    if frame.empty:
        return frame
    rank = frame["to_class"].map({c: i for i, c in enumerate(CLASSES)})
    order = frame.assign(_down=frame["direction"] == "downgrade", _rank=rank, _end=frame["end_balance"])
    order = order.sort_values(["_down", "_rank", "_end", "loan_id"], ascending=[False, False, False, True])
    return order[MOVER_COLUMNS].reset_index(drop=True)


BRANCH_COLUMNS = ["branch_id", "name", "upgrades", "upgrade_balance", "downgrades", "downgrade_balance"]


def migration_by_branch(
    conn: Connection, *, year: int, month: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """Per branch the loan is booked at (only those with a move), the loans whose effective class got better
    (upgrades) and worse (downgrades) over the month, with their outstanding principal at the month's end
    (yuan, exact); most downgraded balance first."""
    start, end = month_bounds(year, month, as_of=as_of)
    before = loan_state(start, scope, config, conn=conn)
    after = loan_state(end, scope, config, conn=conn)
    up = after.c.class_ix < before.c.class_ix
    down = after.c.class_ix > before.c.class_ix
    rows = conn.execute(
        select(
            after.c.branch_id,
            Branch.name,
            func.sum(case((up, 1), else_=0)),
            func.sum(case((up, after.c.op_cents), else_=0)),
            func.sum(case((down, 1), else_=0)),
            func.sum(case((down, after.c.op_cents), else_=0)),
        )
        .join(before, and_(before.c.loan_id == after.c.loan_id, before.c.class_ix != after.c.class_ix))
        .join(Branch, Branch.branch_id == after.c.branch_id)
        .group_by(after.c.branch_id, Branch.name)
    ).all()
    frame = pd.DataFrame(
        [
            (b, name, int(n_up), Decimal(int(s_up)) / 100, int(n_down), Decimal(int(s_down)) / 100)
            for b, name, n_up, s_up, n_down, s_down in rows
        ],
        columns=BRANCH_COLUMNS,
    )
    return frame.sort_values(["downgrade_balance", "branch_id"], ascending=[False, True]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class MonthMigration:
    """The monthly migration report: its dates, the matrix, the movers and the branches."""

    year: int
    month: int
    start: date
    end: date
    matrix: pd.DataFrame
    movers: pd.DataFrame
    by_branch: pd.DataFrame


def month_migration(
    conn: Connection, *, year: int, month: int, as_of: date, scope: Scope, config: Config
) -> MonthMigration:
    """The three parts of the monthly migration report, as the Portfolio page and the weekly pack show it."""
    args = {"year": year, "month": month, "as_of": as_of, "scope": scope, "config": config}
    start, end = month_bounds(year, month, as_of=as_of)
    return MonthMigration(
        year=year,
        month=month,
        start=start,
        end=end,
        matrix=class_migration(conn, **args),
        movers=migration_movers(conn, **args),
        by_branch=migration_by_branch(conn, **args),
    )
