"""Staff KPIs (DOMAIN section 4, "Staff"): officer ratios after the cut-off, recoveries, hand-over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from dashboard.config import Config
from dashboard.kpi import groups
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_end, previous_month_end
from dashboard.kpi.roll import roll_rates_by
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import NPL_RANK, bucket_expr, class_expr, loan_state
from db.models import CollectorAssignment, Loan, OfficerHistory, Repayment, SnapshotGroup, Staff
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
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    cutoff: date | None = None,
    departed: bool = False,
) -> list[OfficerScore]:
    """Account officers with active loans disbursed after the cut-off date, each over the loans they held at
    as_of (the officer history: a loan handed over counts for its successor from the hand-over day, and for
    its earlier officer before it). Officers who left on or before as_of are not scored; `departed` gives
    them instead, over what they still hold, to be shown apart.

    From the snapshot groups when they can answer: every officer's active loans less those disbursed on or
    before the cut-off (none at all when the cut-off is older than the book), which an index on the loans'
    disbursement date finds. The groups count a loan for its current officer; the few loans whose officer
    at as_of was another are moved across afterwards."""
    cutoff = cutoff or config.staff_cutoff
    gone = and_(Staff.left_on.is_not(None), Staff.left_on <= as_of)
    employed = gone if departed else ~gone
    in_scope = groups.usable(conn, dates=[as_of], scope=scope)
    if in_scope is None:
        state = loan_state(as_of, scope, config, conn=conn)
        sums = _officer_sums(conn, state.c, func.count(), state.c.disbursed_on > cutoff, employed)
    else:
        grouped = _grouped_state(as_of, config, in_scope)
        sums = _officer_sums(conn, grouped, func.sum(grouped.loans), employed)
        state = loan_state(as_of, scope, config, conn=conn)
        before_cutoff = _officer_sums(conn, state.c, func.count(), state.c.disbursed_on <= cutoff, employed)
        for key, old in before_cutoff.items():
            sums[key] = [total - part for total, part in zip(sums[key], old, strict=True)]
    _held_elsewhere(conn, sums, as_of, scope, config, cutoff, employed)
    return _scores(sums, config)


def _scores(sums: dict[tuple[str, str], list[int]], config: Config) -> list[OfficerScore]:
    """The officers with loans, from their (count, balance, overdue, NPL) sums, by staff id."""
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


def _holder(as_of: date) -> Any:
    """The officer history row covering as_of of each loan that has changed hands (has a closed row): a loan
    that never did is its current officer's, so the figures need not read the history of every loan."""
    h, closed = OfficerHistory, aliased(OfficerHistory)
    changed = select(closed.loan_id).where(closed.to_on.is_not(None))
    return (
        select(h.loan_id, h.officer_id, h.from_on)
        .where(h.loan_id.in_(changed), h.from_on <= as_of, or_(h.to_on.is_(None), h.to_on > as_of))
        .subquery("holder")
    )


def _held_elsewhere(
    conn: Connection,
    sums: dict[tuple[str, str], list[int]],
    as_of: date,
    scope: Scope,
    config: Config,
    cutoff: date,
    *where: ColumnElement[bool],
) -> None:
    """Move the loans whose officer at as_of (officer_history) is not their current officer from the current
    officer's sums to that one's. A loan without history is its current officer's."""
    holder = _holder(as_of)
    moved = (
        select(holder.c.loan_id)
        .join(Loan, Loan.loan_id == holder.c.loan_id)
        .where(holder.c.officer_id != Loan.officer_id)
    )
    state = loan_state(as_of, scope, config, conn=conn, among=moved)
    held = (
        select(
            state.c.loan_id,
            holder.c.officer_id,
            state.c.op_cents,
            state.c.bucket_ix,
            state.c.class_ix,
            state.c.disbursed_on,
        )
        .join(holder, holder.c.loan_id == state.c.loan_id)
        .where(holder.c.officer_id != state.c.officer_id)
        .subquery("held")
        .c
    )
    current = (
        select(state.c.loan_id, state.c.officer_id, state.c.op_cents, state.c.bucket_ix, state.c.class_ix)
        .join(holder, holder.c.loan_id == state.c.loan_id)
        .where(holder.c.officer_id != state.c.officer_id, state.c.disbursed_on > cutoff)
        .subquery("current")
        .c
    )
    for key, part in _officer_sums(conn, current, func.count(), *where).items():
        sums[key] = [total - p for total, p in zip(sums.get(key, [0, 0, 0, 0]), part, strict=True)]
    for key, part in _officer_sums(conn, held, func.count(), held.disbursed_on > cutoff, *where).items():
        sums[key] = [total + p for total, p in zip(sums.get(key, [0, 0, 0, 0]), part, strict=True)]


def inherited_scores(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> list[OfficerScore]:
    """Successors on what they inherited (seed 002, Wuhan rules 四(1): whoever takes over departed staff's
    loans is assessed on them by the officers' targets, overdue ≤ 3% and NPL ≤ 1%): for each member of
    staff, of any job, the active loans disbursed after the cut-off that they hold at as_of and that were
    handed to them from someone who has left (the officer history row before theirs is a departed
    person's)."""
    holder = _holder(as_of)
    inherited = _inherited(holder)
    state = loan_state(as_of, scope, config, conn=conn, among=inherited)
    rows = (
        select(
            state.c.loan_id,
            holder.c.officer_id,
            state.c.op_cents,
            state.c.bucket_ix,
            state.c.class_ix,
        )
        .join(holder, holder.c.loan_id == state.c.loan_id)
        .where(state.c.disbursed_on > config.staff_cutoff, state.c.loan_id.in_(inherited))
        .subquery("inherited")
        .c
    )
    sums = _officer_sums(conn, rows, func.count(), roles=None)
    return _scores(sums, config)


def _inherited(holder: Any) -> Select[tuple[str]]:
    """The loans of `holder` (_holder's rows) handed to their holder from someone who had left by then: the
    officer history row before the holder's is a departed person's."""
    before = aliased(OfficerHistory)
    earlier = aliased(Staff)
    return (
        select(holder.c.loan_id)
        .join(before, and_(before.loan_id == holder.c.loan_id, before.to_on == holder.c.from_on))
        .join(earlier, earlier.staff_id == before.officer_id)
        .where(earlier.left_on.is_not(None), earlier.left_on <= holder.c.from_on)
    )


# The post of rule W 四(1) that takes over departed staff's loans and "strictly controls the M3 roll rate"
# (基础管理-电催岗): the phone collectors among the staff.
PHONE_COLLECTION_POST = "phone_collector"


@dataclass(frozen=True)
class InheritedRoll:
    """A phone collector's M3 roll rate over the loans they inherited, for one month (DOMAIN section 4,
    "Successors' M3 roll")."""

    staff_id: str
    name: str
    year: int
    month: int
    base_count: int
    base_balance: Decimal
    worse_balance: Decimal
    roll_max: Decimal

    @property
    def roll_rate(self) -> Decimal | None:
        return ratio(self.worse_balance, self.base_balance)

    @property
    def within_limit(self) -> bool | None:
        """At most the limit; None when nothing inherited was in M3 at the start of the month (no rate)."""
        rate = self.roll_rate
        return None if rate is None else rate <= self.roll_max


def roll_month(as_of: date) -> tuple[int, int]:
    """The month whose roll rate is judged at as_of: the last one over by then (as_of itself when it is a
    month's last day), since a roll rate compares two month-ends."""
    end = as_of if as_of == month_end(as_of.year, as_of.month) else previous_month_end(as_of)
    return end.year, end.month


def inherited_m3_roll(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> list[InheritedRoll]:
    """Successors in the phone-collection post on the M3 roll of what they inherited (seed 002, Wuhan rules
    四(1): that post takes over departed staff's loans and must strictly control the M3 roll rate), for the
    month roll_month(as_of): the roll rate of kpi.roll over the M3 base at E(m-1) of the loans disbursed after
    the cut-off that each phone collector held then as officer, handed to them from someone who had left;
    against `successor_m3_roll_max`. One row per phone collector holding such a loan active at E(m-1), by
    staff id; staff in other posts are not judged on it."""
    year, month = roll_month(as_of)
    start = previous_month_end(date(year, month, 1))
    holder = _holder(start)
    holders = (
        select(holder.c.loan_id, holder.c.officer_id)
        .join(Staff, Staff.staff_id == holder.c.officer_id)
        .join(Loan, Loan.loan_id == holder.c.loan_id)
        .where(
            Staff.role == PHONE_COLLECTION_POST,
            Loan.disbursed_on > config.staff_cutoff,
            holder.c.loan_id.in_(_inherited(holder)),
        )
    )
    rolls = roll_rates_by(conn, year=year, month=month, holders=holders, scope=scope, config=config)
    names = dict(
        conn.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(list(rolls)))).all()
    )
    return [
        InheritedRoll(
            staff_id=staff_id,
            name=names[staff_id],
            year=year,
            month=month,
            base_count=rows["M3"].base_count,
            base_balance=rows["M3"].base_balance,
            worse_balance=rows["M3"].worse_balance,
            roll_max=config.successor_m3_roll_max,
        )
        for staff_id, rows in rolls.items()
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
    conn: Connection,
    state: Any,
    count: ColumnElement[int],
    *where: ColumnElement[bool],
    roles: tuple[str, ...] | None = ("account_officer",),
) -> dict[tuple[str, str], list[int]]:
    """(staff id, name) -> [loans, balance, overdue balance, NPL balance] in cents, over `state`'s rows (a
    loan_state, or the snapshot groups) that meet `where`, for staff in `roles` (None: any job); `count`
    counts the loans of those rows."""
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
        .where(*([Staff.role.in_(roles)] if roles else []), *where)
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


def handover_queue(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, limit: int = 5000
) -> pd.DataFrame:
    """What staff who left on or before D still hold at D: active loans whose account officer left (kind
    'officer') and open collector assignments of collectors who left (kind 'collector'). Columns: loan_id,
    kind, staff_id, name, left_on, outstanding_principal, dpd; worst first. The hand-over
    (dashboard.work.allocation.hand_over) gives them to a successor."""
    state = loan_state(as_of, scope, config, conn=conn)
    a = CollectorAssignment
    collector = (
        select(a.loan_id, a.staff_id)
        .where(a.assigned_on <= as_of, or_(a.ended_on.is_(None), a.ended_on > as_of))
        .subquery("held")
    )
    gone = and_(Staff.left_on.is_not(None), Staff.left_on <= as_of)
    columns = (state.c.loan_id, Staff.staff_id, Staff.name, Staff.left_on, state.c.op_cents, state.c.dpd)
    officers = select(literal("officer").label("kind"), *columns).join(
        Staff, Staff.staff_id == state.c.officer_id
    )
    collectors = (
        select(literal("collector").label("kind"), *columns)
        .join(collector, collector.c.loan_id == state.c.loan_id)
        .join(Staff, Staff.staff_id == collector.c.staff_id)
    )
    union = officers.where(gone).union_all(collectors.where(gone)).subquery("queue")
    rows = conn.execute(
        select(union).order_by(union.c.dpd.desc(), union.c.loan_id, union.c.kind).limit(limit)
    ).all()
    return pd.DataFrame(
        [(r.loan_id, r.kind, r.staff_id, r.name, r.left_on, yuan(r.op_cents), r.dpd) for r in rows],
        columns=["loan_id", "kind", "staff_id", "name", "left_on", "outstanding_principal", "dpd"],
    )
