"""Roll and cure rates for a month (DOMAIN section 4): base at E(m-1), outcome at E(m)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, case, delete, exists, func, insert, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi import groups
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_end, previous_month
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import current_dates
from dashboard.kpi.state import Cutoffs, bucket_expr, dates_table, has_current_snapshot, loan_state, reaching
from db.data_version import state_version
from db.models import Loan, LoanStateSnapshot, RollGroup, RollMonth, SnapshotGroup
from db.models.enums import BUCKETS

CURED, SAME, WORSE = 0, 1, 2


@dataclass(frozen=True)
class RollRow:
    bucket: str
    base_count: int
    base_balance: Decimal
    worse_balance: Decimal
    cured_balance: Decimal
    # bucket at E(m) -> balance at E(m-1) of the loans that went there (the roll-rate matrix).
    to_bucket: dict[str, Decimal]

    @property
    def roll_rate(self) -> Decimal | None:
        # M3+ has nowhere worse to go but write-off, so it has no roll rate.
        if self.bucket == BUCKETS[-1]:
            return None
        return ratio(self.worse_balance, self.base_balance)

    @property
    def cure_rate(self) -> Decimal | None:
        return ratio(self.cured_balance, self.base_balance)


TO_REPAID, TO_WRITTEN_OFF = "repaid", "written_off"


def roll_rates(
    conn: Connection, *, year: int, month: int, scope: Scope, config: Config
) -> dict[str, RollRow]:
    return roll_rate_series(conn, months=[(year, month)], scope=scope, config=config)[(year, month)]


def roll_rate_series(
    conn: Connection, *, months: Sequence[tuple[int, int]], scope: Scope, config: Config
) -> dict[tuple[int, int], dict[str, RollRow]]:
    """roll_rates() of each (year, month). From the roll groups `postloan refresh` keeps, when every month's
    are current (from_roll_groups); else, for several months whose month-ends all have a current snapshot,
    all months in two grouped queries over the snapshots (_snapshot_groups) rather than a join of the whole
    base per month; otherwise (or for a single month) month by month through loan_state."""
    pairs = {(y, m): (month_end(*previous_month(y, m)), month_end(y, m)) for y, m in months}
    dates = {d for pair in pairs.values() for d in pair}
    stored = from_roll_groups(conn, pairs=list(pairs.values()), scope=scope)
    if stored is not None:
        rows = stored
    elif len(pairs) > 1 and all(has_current_snapshot(conn, as_of=d) for d in dates):
        rows = _snapshot_groups(conn, list(pairs.values()), scope, config)
    else:
        rows = [
            (end, *row)
            for start, end in pairs.values()
            for row in conn.execute(_live_query(conn, start, end, scope, config)).all()
        ]
    by_end: dict[date, list[tuple[int, int, int, int, int]]] = {end: [] for _, end in pairs.values()}
    for end, *group in rows:
        by_end[end].append(tuple(group))  # type: ignore[arg-type]
    return {key: _from_groups(by_end[end]) for key, (_, end) in pairs.items()}


def roll_rates_by(
    conn: Connection, *, year: int, month: int, holders: Select[Any], scope: Scope, config: Config
) -> dict[str, dict[str, RollRow]]:
    """roll_rates() of one month per holder: `holders` selects (loan_id, holder id) pairs, each loan once,
    and each holder's rows are worked out over their loans alone, by the same outcome as the whole book's
    (_grouped). Who holds a loan is the caller's to say (at E(m-1), the base's date, for a base held then).
    Holders none of whose loans is active at E(m-1) are left out."""
    start, end = month_end(*previous_month(year, month)), month_end(year, month)
    pairs = holders.subquery("holders")
    among = select(pairs.c[0])
    base = loan_state(start, scope, config, conn=conn, among=among)
    after = loan_state(end, scope, config, active_only=False, conn=conn, among=among)
    columns = _grouped(
        base.c.bucket_ix, base.c.op_cents, after.c.bucket_ix, after.c.op_cents, after.c.written_off_on, end
    )
    holder = pairs.c[1]
    rows = conn.execute(
        select(holder, *columns)
        .select_from(
            base.join(after, after.c.loan_id == base.c.loan_id).join(pairs, pairs.c[0] == base.c.loan_id)
        )
        .group_by(holder, *columns[:3])
    ).all()
    by_holder: dict[str, list[tuple[int, int, int, int, int]]] = {}
    for key, *group in rows:
        by_holder.setdefault(key, []).append(tuple(group))  # type: ignore[arg-type]
    return {key: _from_groups(found) for key, found in sorted(by_holder.items())}


def _grouped(
    base_bucket: ColumnElement[int],
    base_op: ColumnElement[int],
    after_bucket: ColumnElement[int],
    after_op: ColumnElement[int],
    written_off_on: ColumnElement[date],
    end: date | ColumnElement[date],
) -> tuple[ColumnElement[Any], ...]:
    """The one definition of the outcome (DOMAIN section 4): the columns bucket at the start, outcome,
    destination, count and balance at the start, to group by the first three."""
    written_off = and_(written_off_on.is_not(None), written_off_on <= end)
    outcome = case(
        (written_off, WORSE),
        (after_op <= 0, CURED),
        (after_bucket == 0, CURED),
        (after_bucket > base_bucket, WORSE),
        else_=SAME,
    )
    # -1 stands for "left the book": repaid, or written off (-2).
    destination = case((written_off, -2), (after_op <= 0, -1), else_=after_bucket)
    return base_bucket, outcome, destination, func.count(), func.sum(base_op)


def _live_query(conn: Connection, start: date, end: date, scope: Scope, config: Config) -> Select[Any]:
    """One month from loan_state (which reads a snapshot of either date when it is current)."""
    base = loan_state(start, scope, config, conn=conn)
    after = loan_state(end, scope, config, active_only=False, conn=conn)
    columns = _grouped(
        base.c.bucket_ix, base.c.op_cents, after.c.bucket_ix, after.c.op_cents, after.c.written_off_on, end
    )
    return (
        select(*columns)
        .select_from(base.join(after, after.c.loan_id == base.c.loan_id))
        .group_by(*columns[:3])
    )


def _snapshot_groups(
    conn: Connection, pairs: list[tuple[date, date]], scope: Scope, config: Config
) -> list[tuple[Any, ...]]:
    """All months at once from the snapshots: (E(m), bucket at the start, outcome, destination, count,
    balance) groups, as _live_query gives them month by month.

    Most of the base is still active and current at E(m), which _grouped counts as cured into M0 whatever
    the bucket at the start (written off: no; repaid: no; bucket 0: cured, destination 0). Joining those
    loans is what costs, so only the loans that are inactive or past due at E(m) are joined, and each
    bucket's rest is its base total minus them."""
    periods = dates_table(
        {"start_on": [s for s, _ in pairs], "end_on": [e for _, e in pairs]}, config, "periods"
    )
    before, after = aliased(LoanStateSnapshot), aliased(LoanStateSnapshot)
    base_bucket = bucket_expr(before.first_due, Cutoffs(periods, "start_on"))
    columns = _grouped(
        base_bucket,
        before.op_cents,
        bucket_expr(after.first_due, Cutoffs(periods, "end_on")),
        after.op_cents,
        Loan.written_off_on,
        periods.c.end_on,
    )
    # Driven from the few loans that moved at E(m), each looked up at E(m-1) by primary key.
    moved = (
        select(periods.c.end_on, *columns)
        .select_from(periods)
        .join(
            after, and_(after.as_of == periods.c.end_on, or_(after.active == 0, after.first_due.is_not(None)))
        )
        .join(
            before,
            and_(before.as_of == periods.c.start_on, before.loan_id == after.loan_id, before.active == 1),
        )
        .join(Loan, Loan.loan_id == after.loan_id)
    )
    in_scope = groups.usable(conn, dates=[start for start, _ in pairs], scope=scope)
    if in_scope is None:
        base = (
            select(periods.c.end_on, base_bucket, func.count(), func.sum(before.op_cents))
            .select_from(periods)
            .join(before, and_(before.as_of == periods.c.start_on, before.active == 1))
        )
        if not scope.is_everything:
            base = base.where(before.loan_id.in_(scope.loan_ids()))
    else:
        g = SnapshotGroup
        base_bucket = bucket_expr(g.first_due, Cutoffs(periods, "start_on"))
        base = (
            select(periods.c.end_on, base_bucket, func.sum(g.loans), func.sum(g.op_cents))
            .select_from(periods)
            .join(g, g.as_of == periods.c.start_on)
            .where(in_scope)
        )
    if not scope.is_everything:
        moved = moved.where(before.loan_id.in_(scope.loan_ids()))
    rows = conn.execute(moved.group_by(periods.c.end_on, *columns[:3])).all()
    rest = {
        (end, bucket_ix): [count, op_cents]
        for end, bucket_ix, count, op_cents in conn.execute(base.group_by(periods.c.end_on, base_bucket))
    }
    for end, bucket_ix, _, _, count, op_cents in rows:
        rest[(end, bucket_ix)][0] -= count
        rest[(end, bucket_ix)][1] -= op_cents
    return [*rows, *((end, b, CURED, 0, n, op) for (end, b), (n, op) in rest.items() if n)]


ROLL_GROUP_COLUMNS = [
    "end_on",
    "branch_id",
    "product_id",
    "channel_id",
    "officer_id",
    "start_bucket",
    "outcome",
    "destination",
    "loans",
    "op_cents",
]


def build_roll_groups(conn: Connection) -> list[date]:
    """Build the roll groups (db.models.RollGroup) of every month whose two month-ends have a current snapshot
    and whose groups are missing or out of date; returns the ends of the months built. A month joins two
    snapshots, which is what the portfolio page then no longer does."""
    current = set(current_dates(conn))
    built = []
    for end in sorted(d for d in current if d == month_end(d.year, d.month)):
        start = month_end(*previous_month(end.year, end.month))
        if start not in current or _roll_month_current(conn, end):
            continue
        conn.execute(delete(RollMonth).where(RollMonth.end_on == end))
        conn.execute(insert(RollMonth).values(end_on=end, start_on=start, data_version=state_version(conn)))
        before, after = aliased(LoanStateSnapshot), aliased(LoanStateSnapshot)
        columns = _grouped(
            bucket_expr(before.first_due, start),
            before.op_cents,
            bucket_expr(after.first_due, end),
            after.op_cents,
            Loan.written_off_on,
            end,
        )
        dimensions = (Loan.branch_id, Loan.product_id, Loan.channel_id, Loan.officer_id)
        query = (
            select(literal(end, RollGroup.end_on.type), *dimensions, *columns)
            .select_from(before)
            .join(after, and_(after.as_of == end, after.loan_id == before.loan_id))
            .join(Loan, Loan.loan_id == before.loan_id)
            .where(before.as_of == start, before.active == 1)
            .group_by(*dimensions, *columns[:3])
        )
        conn.execute(insert(RollGroup).from_select(ROLL_GROUP_COLUMNS, query))
        built.append(end)
    return built


def _roll_month_current(conn: Connection, end: date) -> bool:
    built = conn.execute(select(RollMonth.data_version).where(RollMonth.end_on == end)).scalar()
    return built is not None and not conn.execute(select(exists().where(*reaching(end, built)))).scalar_one()


def from_roll_groups(
    conn: Connection, *, pairs: list[tuple[date, date]], scope: Scope
) -> list[tuple[Any, ...]] | None:
    """The months' (E(m), bucket at the start, outcome, destination, count, balance) groups from the roll
    groups, or None when one month's are missing or out of date, or the scope is not one on dimensions."""
    in_scope = scope.dimension_condition(RollGroup)
    ends = [end for _, end in pairs]
    if in_scope is None or not all(_roll_month_current(conn, end) for end in ends):
        return None
    g = RollGroup
    keys = (g.end_on, g.start_bucket, g.outcome, g.destination)
    return [
        tuple(row)
        for row in conn.execute(
            select(*keys, func.sum(g.loans), func.sum(g.op_cents))
            .where(g.end_on.in_(ends), in_scope)
            .group_by(*keys)
        ).all()
    ]


def _from_groups(rows: list[tuple[int, int, int, int, int]]) -> dict[str, RollRow]:
    """The rows of one month from (bucket_ix at the start, outcome, destination, count, op_cents) groups."""
    totals = {b: {"count": 0, "base": 0, CURED: 0, WORSE: 0, "to": {}} for b in BUCKETS}
    for bucket_ix, result, dest, count, op_cents in rows:
        entry = totals[BUCKETS[bucket_ix]]
        entry["count"] += count
        entry["base"] += op_cents
        if result in (CURED, WORSE):
            entry[result] += op_cents
        name = {-2: TO_WRITTEN_OFF, -1: TO_REPAID}.get(dest) or BUCKETS[dest]
        entry["to"][name] = entry["to"].get(name, 0) + op_cents
    return {
        bucket: RollRow(
            bucket=bucket,
            base_count=t["count"],
            base_balance=yuan(t["base"]),
            worse_balance=yuan(t[WORSE]),
            cured_balance=yuan(t[CURED]),
            to_bucket={k: yuan(v) for k, v in t["to"].items()},
        )
        for bucket, t in totals.items()
    }
