"""First checks, periodic checks and monthly sampling (DOMAIN section 4, rules 3-5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import (
    Connection,
    Integer,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import add_months, month_end, previous_month
from dashboard.kpi.scope import Scope
from db.models import Inspection, Loan, Product, Repayment
from db.sqlfuncs import add_days, cents
from db.sqlfuncs import add_months as sql_add_months


@dataclass(frozen=True)
class FirstChecks:
    due: int
    done: int
    on_time: int

    @property
    def pending(self) -> int:
        return self.due - self.done

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.done, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.on_time, self.due)


def _first_check_days(config: Config) -> ColumnElement[int]:
    return case(
        (Loan.payment_mode == "self", config.first_check_days_self), else_=config.first_check_days_entrusted
    )


def first_check_tasks(start: date, end: date, as_of: date, scope: Scope, config: Config):  # type: ignore[no-untyped-def]
    """Loans whose first check falls due in [start, min(end, as_of)], with their first `first` inspection."""
    last = min(end, as_of)
    # Looked up per loan on the (loan_id, kind, done_on) index rather than by grouping every first check
    # of the book to join a month's loans (bench/RESULTS.md).
    done_on = (
        select(func.min(Inspection.done_on))
        .where(Inspection.loan_id == Loan.loan_id, Inspection.kind == "first", Inspection.done_on <= as_of)
        .scalar_subquery()
    )
    due_on = add_days(Loan.disbursed_on, _first_check_days(config))
    # The due date is disbursed_on + n, so bound disbursed_on instead: that keeps the index usable.
    window = or_(
        *(
            and_(
                Loan.payment_mode == mode,
                Loan.disbursed_on.between(start - timedelta(n), last - timedelta(n)),
            )
            for mode, n in (
                ("self", config.first_check_days_self),
                ("entrusted", config.first_check_days_entrusted),
            )
        )
    )
    return (
        select(
            Loan.loan_id,
            Loan.officer_id,
            Loan.branch_id,
            Loan.disbursed_on,
            due_on.label("due_on"),
            done_on.label("done_on"),
        )
        .where(window, scope.condition())
        .subquery("first_checks")
    )


def first_checks(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config
) -> FirstChecks:
    tasks = first_check_tasks(start, end, as_of, scope, config)
    due, done, on_time = conn.execute(
        select(
            func.count(),
            func.count(tasks.c.done_on),
            func.coalesce(func.sum(case((tasks.c.done_on <= tasks.c.due_on, 1), else_=0)), 0),
        )
    ).one()
    return FirstChecks(due=due, done=done, on_time=on_time)


def first_checks_by(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config, by: str
) -> pd.DataFrame:
    """The same figures grouped by `officer_id` or `branch_id`."""
    tasks = first_check_tasks(start, end, as_of, scope, config)
    key = tasks.c[by]
    rows = conn.execute(
        select(
            key,
            func.count(),
            func.count(tasks.c.done_on),
            func.coalesce(func.sum(case((tasks.c.done_on <= tasks.c.due_on, 1), else_=0)), 0),
        ).group_by(key)
    ).all()
    frame = pd.DataFrame(rows, columns=[by, "due", "done", "on_time"])
    frame["completion_rate"] = [ratio(d, n) for d, n in zip(frame["done"], frame["due"], strict=True)]
    frame["on_time_rate"] = [ratio(d, n) for d, n in zip(frame["on_time"], frame["due"], strict=True)]
    return frame


def pending_first_checks(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config, limit: int = 1000
) -> pd.DataFrame:
    """First checks due and not done by as_of, the longest overdue first."""
    tasks = first_check_tasks(start, end, as_of, scope, config)
    rows = conn.execute(
        select(tasks.c.loan_id, tasks.c.officer_id, tasks.c.branch_id, tasks.c.due_on)
        .where(tasks.c.done_on.is_(None))
        .order_by(tasks.c.due_on, tasks.c.loan_id)
        .limit(limit)
    ).all()
    frame = pd.DataFrame(rows, columns=["loan_id", "officer_id", "branch_id", "due_on"])
    frame["days_late"] = [(as_of - d).days for d in frame["due_on"]]
    return frame


@dataclass(frozen=True)
class PeriodicChecks:
    due: int
    on_time: int
    late: int

    @property
    def missing(self) -> int:
        return self.due - self.on_time - self.late

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.on_time, self.due)


def periodic_checks(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config
) -> PeriodicChecks:
    """Tasks at disbursed_on + k, 2k, … months (k = the product's interval) due in [start, min(end, D)].

    Each loan is paired only with the n whose check can land in the period: the loans disbursed n × k months
    before the period's months, found on the (product_id, disbursed_on) index (_disbursement_ranges).
    """
    last = min(end, as_of)
    if last < start:
        return PeriodicChecks(0, 0, 0)
    ranges = _disbursement_ranges(conn, start, last)
    if ranges is None:
        return PeriodicChecks(0, 0, 0)
    k = Product.periodic_check_months
    candidates = (
        select(
            Loan.loan_id,
            Loan.principal,
            Loan.written_off_on,
            k.label("k"),
            sql_add_months(Loan.disbursed_on, ranges.c.n * k).label("due_on"),
        )
        .select_from(ranges)
        .join(
            Loan,
            and_(
                Loan.product_id == ranges.c.product_id,
                Loan.disbursed_on.between(ranges.c.first, ranges.c.last),
            ),
        )
        .join(Product, Product.product_id == Loan.product_id)
        .where(Loan.disbursed_on < last, scope.condition())
        .subquery("candidates")
    )
    repaid_by_due = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == candidates.c.loan_id, Repayment.paid_on <= candidates.c.due_on)
        .scalar_subquery()
    )
    active_at_due = and_(
        or_(candidates.c.written_off_on.is_(None), candidates.c.written_off_on > candidates.c.due_on),
        cents(candidates.c.principal - repaid_by_due) > 0,
    )
    tasks = (
        select(candidates.c.loan_id, candidates.c.k, candidates.c.due_on)
        .where(candidates.c.due_on.between(start, last), active_at_due)
        .subquery("tasks")
    )
    on_time = exists().where(
        Inspection.loan_id == tasks.c.loan_id,
        Inspection.done_on > sql_add_months(tasks.c.due_on, -tasks.c.k),
        Inspection.done_on <= tasks.c.due_on,
    )
    late = exists().where(
        Inspection.loan_id == tasks.c.loan_id,
        Inspection.done_on > tasks.c.due_on,
        Inspection.done_on <= as_of,
    )
    due, on_time_count, late_count = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
            func.coalesce(func.sum(case((on_time, 0), (late, 1), else_=0)), 0),
        ).select_from(tasks)
    ).one()
    return PeriodicChecks(due=due, on_time=on_time_count, late=late_count)


def _disbursement_ranges(conn: Connection, start: date, last: date) -> Subquery | None:
    """Rows (product_id, n, first, last): the loans of a product with periodic checks every k months that
    were disbursed between first and last have their n-th check (n × k months on) due in a month of
    [start, last]; None when no product has periodic checks or no loan exists. Adding months maps a month to
    a month, so whole months bound the dates; the exact due date is checked after."""
    products = conn.execute(
        select(Product.product_id, Product.periodic_check_months).where(
            Product.periodic_check_months.is_not(None)
        )
    ).all()
    earliest = conn.execute(select(func.min(Loan.disbursed_on))).scalar()
    rows = []
    for product_id, k in products:
        n = 1
        while (
            earliest is not None and (to := month_end(*add_months(last.year, last.month, -n * k))) >= earliest
        ):
            since = date(*add_months(start.year, start.month, -n * k), 1)
            rows.append(
                select(
                    literal(product_id, Loan.product_id.type).label("product_id"),
                    literal(n, Integer).label("n"),
                    literal(since, Loan.disbursed_on.type).label("first"),
                    literal(to, Loan.disbursed_on.type).label("last"),
                )
            )
            n += 1
    if not rows:
        return None
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("ranges")


SAMPLING_COLUMNS = ["officer_id", "month", "disbursed_last_month", "required", "done", "rate"]


def sampling(
    conn: Connection, *, year: int, month: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """Per officer for month m: ⌈share × loans disbursed in m-1⌉ required, on-site sampling by the due day."""
    prev_start = date(*previous_month(year, month), 1)
    prev_end = month_end(*previous_month(year, month))
    window_end = min(date(year, month, config.sampling_due_day), as_of)
    sampled = exists().where(
        Inspection.loan_id == Loan.loan_id,
        Inspection.kind == "sampling",
        Inspection.method == "onsite",
        Inspection.done_on.between(date(year, month, 1), window_end),
    )
    rows = conn.execute(
        select(Loan.officer_id, func.count(), func.coalesce(func.sum(case((sampled, 1), else_=0)), 0))
        .where(Loan.disbursed_on.between(prev_start, prev_end), Loan.disbursed_on <= as_of, scope.condition())
        .group_by(Loan.officer_id)
        .order_by(Loan.officer_id)
    ).all()
    records = []
    for officer_id, disbursed, done in rows:
        required = math.ceil(config.sampling_share * disbursed)
        if required == 0:
            continue
        records.append(
            (
                officer_id,
                f"{year}-{month:02d}",
                disbursed,
                required,
                done,
                ratio(min(done, required), required),
            )
        )
    return pd.DataFrame(records, columns=SAMPLING_COLUMNS)


def sampling_rate(samples: pd.DataFrame) -> Decimal | None:
    """The sampling rate over the officers of a sampling() frame: Σ min(done, required) / Σ required. Each
    officer counts up to what they owe, so one officer's extra samples do not cover another's missing ones."""
    done = sum(min(int(d), int(r)) for d, r in zip(samples["done"], samples["required"], strict=True))
    return ratio(done, int(samples["required"].sum()))
