"""Loan state at an as-of date (DOMAIN section 4, "Loan state at D"), as one SQL subquery.

Every figure is built on `loan_state`: outstanding principal, days past due, overdue amount, bucket
and effective class of each loan, computed by the database from schedule and repayments.
Amounts come out as integer cents (`op_cents`, `overdue_cents`) so sums are exact on SQLite too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    Connection,
    Select,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi.restructured import restructured_floor
from dashboard.kpi.scope import Scope
from db.models import (
    ClassificationOverride,
    Loan,
    LoanStateSnapshot,
    Repayment,
    ScheduleItem,
    SnapshotDate,
    StateChange,
)
from db.models.enums import BUCKETS, CLASSES
from db.sqlfuncs import add_days, cents, days_between

# Half a cent: a remaining amount under this counts as zero.
HALF_CENT = 0.005

CLASS_RANK = {name: rank for rank, name in enumerate(CLASSES)}
NPL_RANK = CLASS_RANK["substandard"]


def class_rank(column: ColumnElement[str]) -> ColumnElement[int]:
    return case(*((column == name, rank) for name, rank in CLASS_RANK.items()), else_=0)


@dataclass(frozen=True)
class Cutoffs:
    """A date column of a dates_table, whose `as_of - n days` are columns of the same table."""

    table: Subquery
    name: str

    @property
    def as_of(self) -> ColumnElement[date]:
        return self.table.c[self.name]

    def before(self, days: int) -> ColumnElement[date]:
        return self.table.c[f"{self.name}_before_{days}"]


AsOf = date | ColumnElement[date] | Cutoffs


def dates_table(columns: Mapping[str, Sequence[date]], config: Config, name: str = "dates") -> Subquery:
    """Rows of literal dates (one row per position, one column per name), each with its `as_of - n days`
    for every DPD bound of a bucket or class. Several dates then go in one query without date arithmetic
    on every row, which costs more on SQLite than the query itself."""
    bounds = sorted(
        {30, 60, 90, config.substandard_after_dpd, config.doubtful_after_dpd, config.loss_after_dpd}
        | {days for _, *floors in config.product_floors for days in floors}
    )
    date_type = LoanStateSnapshot.as_of.type
    rows = [
        select(
            *(literal(d, date_type).label(column) for column, dates in columns.items() for d in [dates[i]]),
            *(
                literal(dates[i] - timedelta(days=n), date_type).label(f"{column}_before_{n}")
                for column, dates in columns.items()
                for n in bounds
            ),
        )
        for i in range(len(next(iter(columns.values()))))
    ]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery(name)


def _past_due_by_more_than(first_due: ColumnElement[date], as_of: AsOf, days: int) -> ColumnElement[bool]:
    # DPD > n  <=>  the oldest unpaid due date is before as_of - n (index-friendly for a fixed date).
    if isinstance(as_of, date):
        return first_due < as_of - timedelta(days=days)
    if isinstance(as_of, Cutoffs):
        return first_due < as_of.before(days)
    return first_due < add_days(as_of, -days)


def bucket_expr(first_due: ColumnElement[date], as_of: AsOf) -> ColumnElement[int]:
    """Index into BUCKETS; as_of may be a date, a column or the Cutoffs of a dates_table (several dates
    in one query)."""
    return case(
        (first_due.is_(None), 0),
        (_past_due_by_more_than(first_due, as_of, 90), 4),
        (_past_due_by_more_than(first_due, as_of, 60), 3),
        (_past_due_by_more_than(first_due, as_of, 30), 2),
        else_=1,
    )


def _dpd_class(
    first_due: ColumnElement[date], as_of: AsOf, floors: tuple[int, int, int]
) -> ColumnElement[int]:
    substandard, doubtful, loss = floors
    return case(
        (first_due.is_(None), 0),
        (_past_due_by_more_than(first_due, as_of, loss), 4),
        (_past_due_by_more_than(first_due, as_of, doubtful), 3),
        (_past_due_by_more_than(first_due, as_of, substandard), 2),
        else_=1,
    )


def class_expr(
    first_due: ColumnElement[date],
    override_rank: ColumnElement[int],
    as_of: AsOf,
    config: Config,
    *,
    product_id: ColumnElement[str],
) -> ColumnElement[int]:
    """Index into CLASSES: the worse of the DPD class and the override. The DPD floors are the loan's
    product's own (products.dpd_floors) or the settings'; derived here at query time from the oldest unpaid
    due date, so snapshots and their groups (which keep that date and the product) stay right when floors
    change."""
    system_rank = _dpd_class(first_due, as_of, config.floors())
    if config.product_floors:
        system_rank = case(
            *(
                (product_id == product, _dpd_class(first_due, as_of, (s, d, loss)))
                for product, s, d, loss in config.product_floors
            ),
            else_=system_rank,
        )
    return case((override_rank > system_rank, override_rank), else_=system_rank)


def live_base(as_of: date, scope: Scope, loans: Sequence[str] | None = None) -> Subquery:
    """What schedule and repayments say at as_of, for every loan in scope disbursed by then (only the
    given `loans`, when given): loan_id, op_cents, overdue_cents, first_due (oldest unpaid due date),
    override_rank (the latest override, or substandard while under a restructuring's observation period:
    dashboard.kpi.restructured), active."""
    in_scope: Select[tuple[str]] | Sequence[str] | None = None if scope.is_everything else scope.loan_ids()
    if loans is not None:
        in_scope = loans if in_scope is None else scope.loan_ids().where(Loan.loan_id.in_(loans))

    paid = select(Repayment.loan_id, func.sum(Repayment.principal_paid).label("principal_paid")).where(
        Repayment.paid_on <= as_of
    )
    if in_scope is not None:
        paid = paid.where(Repayment.loan_id.in_(in_scope))
    paid_sq = paid.group_by(Repayment.loan_id).subquery("paid")

    by_instalment = select(
        Repayment.loan_id,
        Repayment.instalment_no,
        func.sum(Repayment.principal_paid + Repayment.interest_paid).label("paid"),
    ).where(Repayment.paid_on <= as_of, Repayment.instalment_no.is_not(None))
    if in_scope is not None:
        by_instalment = by_instalment.where(Repayment.loan_id.in_(in_scope))
    inst_sq = by_instalment.group_by(Repayment.loan_id, Repayment.instalment_no).subquery("inst_paid")

    remaining = ScheduleItem.principal_due + ScheduleItem.interest_due - func.coalesce(inst_sq.c.paid, 0)
    arrears = (
        select(
            ScheduleItem.loan_id,
            func.min(ScheduleItem.due_on).label("first_due"),
            func.sum(cents(remaining)).label("overdue_cents"),
        )
        .select_from(
            ScheduleItem.__table__.outerjoin(
                inst_sq,
                and_(
                    inst_sq.c.loan_id == ScheduleItem.loan_id,
                    inst_sq.c.instalment_no == ScheduleItem.instalment_no,
                ),
            )
        )
        .where(ScheduleItem.due_on < as_of, remaining >= HALF_CENT)
    )
    if in_scope is not None:
        arrears = arrears.where(ScheduleItem.loan_id.in_(in_scope))
    arrears_sq = arrears.group_by(ScheduleItem.loan_id).subquery("arrears")

    latest_override = (
        select(
            ClassificationOverride.loan_id,
            func.max(ClassificationOverride.effective_on).label("effective_on"),
        )
        .where(
            ClassificationOverride.effective_on <= as_of,
            true() if loans is None else ClassificationOverride.loan_id.in_(loans),
        )
        .group_by(ClassificationOverride.loan_id)
        .subquery("latest_override")
    )
    override = (
        select(
            ClassificationOverride.loan_id, class_rank(ClassificationOverride.classification).label("rank")
        )
        .join(
            latest_override,
            and_(
                latest_override.c.loan_id == ClassificationOverride.loan_id,
                latest_override.c.effective_on == ClassificationOverride.effective_on,
            ),
        )
        .subquery("override")
    )

    restructured = restructured_floor(as_of, loans)
    override_rank = func.coalesce(override.c.rank, 0)
    # The worse of the latest override and the restructured floor: both are "at least this class".
    override_rank = case((restructured.c.rank > override_rank, restructured.c.rank), else_=override_rank)

    op_cents = cents(Loan.principal - func.coalesce(paid_sq.c.principal_paid, 0))
    not_written_off = or_(Loan.written_off_on.is_(None), Loan.written_off_on > as_of)
    return (
        select(
            Loan.loan_id,
            op_cents.label("op_cents"),
            func.coalesce(arrears_sq.c.overdue_cents, 0).label("overdue_cents"),
            arrears_sq.c.first_due.label("first_due"),
            override_rank.label("override_rank"),
            case((and_(not_written_off, op_cents > 0), 1), else_=0).label("active"),
        )
        .select_from(Loan)
        .outerjoin(paid_sq, paid_sq.c.loan_id == Loan.loan_id)
        .outerjoin(arrears_sq, arrears_sq.c.loan_id == Loan.loan_id)
        .outerjoin(override, override.c.loan_id == Loan.loan_id)
        .outerjoin(restructured, restructured.c.loan_id == Loan.loan_id)
        .where(
            Loan.disbursed_on <= as_of,
            scope.condition(),
            true() if loans is None else Loan.loan_id.in_(loans),
        )
        .subquery()
    )


def snapshot_base(
    as_of: date, scope: Scope, *, past_due: bool = False, among: Select[tuple[str]] | None = None
) -> Subquery:
    """The same columns as live_base, read from a snapshot built by dashboard.kpi.snapshots.refresh (only
    the loans past due, with `past_due`: a partial index holds those; only the loans `among` gives)."""
    s = LoanStateSnapshot
    query = select(s.loan_id, s.op_cents, s.overdue_cents, s.first_due, s.override_rank, s.active).where(
        s.as_of == as_of
    )
    if past_due:
        query = query.where(s.first_due.is_not(None))
    if among is not None:
        query = query.where(s.loan_id.in_(among))
    if not scope.is_everything:
        query = query.where(s.loan_id.in_(scope.loan_ids()))
    return query.subquery()


def loan_state(
    as_of: date,
    scope: Scope,
    config: Config,
    *,
    active_only: bool = True,
    past_due: bool = False,
    among: Select[tuple[str]] | None = None,
    conn: Connection | None = None,
) -> Subquery:
    """One row per loan disbursed on or before as_of (only the active ones unless told otherwise).

    Columns: loan_id, branch_id, product_id, channel_id, officer_id, customer_id, disbursed_on,
    payment_mode, principal_cents, written_off_on, op_cents, overdue_cents, first_due (oldest unpaid due
    date), dpd, bucket_ix (index into BUCKETS), class_ix (effective class, index into CLASSES),
    override_rank (the latest override's class, 0 without one), active.
    Given a connection, it reads a snapshot of as_of when one is current, else computes live. With
    `past_due`, only the loans past due (DPD > 0); with `among`, only the loans it selects.
    """
    fresh = conn is not None and has_current_snapshot(conn, as_of=as_of)
    base = snapshot_base(as_of, scope, past_due=past_due, among=among) if fresh else live_base(as_of, scope)
    first_due = base.c.first_due
    bucket_ix = bucket_expr(first_due, as_of)
    class_ix = class_expr(first_due, base.c.override_rank, as_of, config, product_id=Loan.product_id)
    dpd = case((first_due.is_(None), 0), else_=days_between(literal(as_of), first_due))
    query = select(
        Loan.loan_id,
        Loan.branch_id,
        Loan.product_id,
        Loan.channel_id,
        Loan.officer_id,
        Loan.customer_id,
        Loan.disbursed_on,
        Loan.payment_mode,
        cents(Loan.principal).label("principal_cents"),
        Loan.written_off_on,
        base.c.op_cents,
        base.c.overdue_cents,
        first_due.label("first_due"),
        dpd.label("dpd"),
        bucket_ix.label("bucket_ix"),
        class_ix.label("class_ix"),
        base.c.override_rank,
        base.c.active,
    ).join(Loan, Loan.loan_id == base.c.loan_id)
    if active_only:
        query = query.where(base.c.active == 1)
    if past_due and not fresh:
        query = query.where(first_due.is_not(None))
    if among is not None and not fresh:
        query = query.where(Loan.loan_id.in_(among))
    return query.subquery()


def has_current_snapshot(conn: Connection, *, as_of: date) -> bool:
    """A snapshot of as_of exists and no state change since it was built reaches back to as_of."""
    built = conn.execute(select(SnapshotDate.data_version).where(SnapshotDate.as_of == as_of)).scalar()
    return (
        built is not None and not conn.execute(select(exists().where(*reaching(as_of, built)))).scalar_one()
    )


def reaching(as_of: date | ColumnElement[date], built: int | ColumnElement[int]) -> list[ColumnElement[bool]]:
    """The conditions on StateChange for a change after version `built` that can change the state at as_of."""
    return [
        StateChange.version > built,
        or_(StateChange.affects_from.is_(None), StateChange.affects_from <= as_of),
    ]


def bucket_name(ix: int) -> str:
    return BUCKETS[int(ix)]


def class_name(ix: int) -> str:
    return CLASSES[int(ix)]
