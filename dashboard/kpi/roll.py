"""Roll and cure rates for a month (DOMAIN section 4): base at E(m-1), outcome at E(m)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, select

from dashboard.config import Config
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.periods import month_end, previous_month
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
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


def roll_rates(conn: Connection, year: int, month: int, scope: Scope, config: Config) -> dict[str, RollRow]:
    end = month_end(year, month)
    start = month_end(*previous_month(year, month))
    base = loan_state(start, scope, config, conn=conn)
    after = loan_state(end, scope, config, active_only=False, conn=conn)
    written_off = and_(after.c.written_off_on.is_not(None), after.c.written_off_on <= end)
    outcome = case(
        (written_off, WORSE),
        (after.c.op_cents <= 0, CURED),
        (after.c.bucket_ix == 0, CURED),
        (after.c.bucket_ix > base.c.bucket_ix, WORSE),
        else_=SAME,
    )
    # -1 stands for "left the book": repaid, or written off (-2).
    destination = case((written_off, -2), (after.c.op_cents <= 0, -1), else_=after.c.bucket_ix)
    rows = conn.execute(
        select(base.c.bucket_ix, outcome, destination, func.count(), func.sum(base.c.op_cents))
        .select_from(base.join(after, after.c.loan_id == base.c.loan_id))
        .group_by(base.c.bucket_ix, outcome, destination)
    ).all()
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
