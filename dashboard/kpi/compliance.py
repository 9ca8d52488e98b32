"""Collection compliance per collector and per agency for a period [P1, P2] as of D (DOMAIN section 4,
"Collection compliance"; rule 2; issue 16 item 6).

A holder (a collector through an assignment, an agency through a placement) holds a loan on the days from
its start up to, not including, its end (DOMAIN section 5, "End dates"). Over the days of the period up to
min(P2, D):

- twice-a-day rate: of the loan-days at 1-3 DPD, those with at least two calls by the holder to the borrower;
- M1 daily-call coverage: of the loan-days at 1-30 DPD, those with at least one call by the holder (to the
  borrower or a contact);

and over the loans the holder holds at min(P2, D) that have lost contact (dashboard.kpi.tasks.lost_runs):

- visit rate: of those overdue `field_visit_amount` or more whose visit was due by then (lost on or before
  min(P2, D) - `lost_contact_visit_days`), those with a field visit within `lost_contact_visit_days` days of
  losing contact;
- repair rate: of those overdue less than `field_visit_amount`, those whose contact details were repaired
  since.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, case, func, literal, or_, select

from dashboard.config import Config
from dashboard.kpi.money import ratio
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import HALF_CENT, live_base
from dashboard.kpi.tasks import EARLY_DPD, lost_runs
from db.models import (
    Agency,
    CollectionAction,
    CollectorAssignment,
    Loan,
    Placement,
    Repayment,
    ScheduleItem,
    Staff,
)
from db.sqlfuncs import add_days, as_date, cents, days_between

HOLDERS = ("collector", "agency")
M1_DPD = 30
_CHUNK = 500  # loan ids per IN (...) list
COLUMNS = [
    "holder_id",
    "name",
    "twice_days",
    "twice_done",
    "twice_rate",
    "m1_days",
    "m1_called",
    "m1_rate",
    "lost_big",
    "visited_in_time",
    "visit_rate",
    "lost_small",
    "repaired",
    "repair_rate",
]


@dataclass(frozen=True)
class _Holding:
    """The rows of assignments or placements as (loan, holder, start, end) columns."""

    loan_id: Any
    holder_id: Any
    start: Any
    end: Any
    table: Any


def _holding(by: str) -> _Holding:
    if by == "collector":
        a = CollectorAssignment
        return _Holding(a.loan_id, a.staff_id, a.assigned_on, a.ended_on, a)
    if by == "agency":
        p = Placement
        return _Holding(p.loan_id, p.agency_id, p.placed_on, p.recalled_on, p)
    raise ValueError(f"unknown holder {by!r} (expected one of {', '.join(HOLDERS)})")


def _running(h: _Holding, day: date) -> Any:
    return and_(h.start <= day, or_(h.end.is_(None), h.end > day))


def compliance(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config, by: str
) -> pd.DataFrame:
    """One row per collector (`by="collector"`) or agency (`by="agency"`) holding a loan in scope during
    the period, with COLUMNS; a rate whose denominator is zero is empty (None)."""
    h = _holding(by)
    last = min(end, as_of)
    held = conn.execute(
        select(h.loan_id.label("loan_id"), h.holder_id.label("holder_id"))
        .join(Loan, Loan.loan_id == h.loan_id)
        .where(h.start <= last, or_(h.end.is_(None), and_(h.end > start, h.end > h.start)), scope.condition())
    ).all()
    if not held or start > last:
        return pd.DataFrame(columns=COLUMNS)
    loans = sorted({row.loan_id for row in held})
    late = _ever_late(conn, loans, start, last)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    calls = _calls(conn, loans, start, last, by)
    day = start
    while day <= last:
        for loan_id, holder_id, dpd in _past_due_held(conn, h, late, day):
            if dpd > M1_DPD:
                continue
            borrower, anyone = calls.get((loan_id, holder_id, day), (0, 0))
            tally = counts[holder_id]
            tally["m1_days"] += 1
            tally["m1_called"] += int(anyone >= 1)
            if dpd <= EARLY_DPD:
                tally["twice_days"] += 1
                tally["twice_done"] += int(borrower >= 2)
        day += timedelta(days=1)
    for holder_id, figures in _lost(conn, h, loans, last, config).items():
        for key, value in figures.items():
            counts[holder_id][key] += value
    for row in held:  # every holder of the period gets a row, figures or not
        counts.setdefault(row.holder_id, defaultdict(int))
    names = _names(conn, by, sorted(counts))
    records = []
    for holder_id in sorted(counts):
        c = counts[holder_id]
        records.append(
            (
                holder_id,
                names.get(holder_id, holder_id),
                c["twice_days"],
                c["twice_done"],
                ratio(c["twice_done"], c["twice_days"]),
                c["m1_days"],
                c["m1_called"],
                ratio(c["m1_called"], c["m1_days"]),
                c["lost_big"],
                c["visited_in_time"],
                ratio(c["visited_in_time"], c["lost_big"]),
                c["lost_small"],
                c["repaired"],
                ratio(c["repaired"], c["lost_small"]),
            )
        )
    return pd.DataFrame(records, columns=COLUMNS)


def _calls(
    conn: Connection, loans: list[str], start: date, last: date, by: str
) -> dict[tuple[str, str, date], tuple[int, int]]:
    """(loan, caller, day) -> (calls to the borrower, all calls) by collectors or agencies in the days."""
    a = CollectionAction
    caller = a.staff_id if by == "collector" else a.agency_id
    day = as_date(a.acted_at)
    rows = conn.execute(
        select(
            a.loan_id,
            caller,
            day,
            func.sum(case((a.contact_id.is_(None), 1), else_=0)),
            func.count(),
        )
        .where(
            a.loan_id.in_(loans),
            a.channel == "call",
            caller.is_not(None),
            a.acted_at >= datetime.combine(start, time()),
            a.acted_at < datetime.combine(last + timedelta(days=1), time()),
        )
        .group_by(a.loan_id, caller, day)
    ).all()
    return {(loan, who, _as_day(d)): (int(borrower), int(n)) for loan, who, d, borrower, n in rows}


def _ever_late(conn: Connection, loans: list[str], start: date, last: date) -> list[str]:
    """The loans that can be 1-30 DPD on a day of [start, last]: those with an instalment due from
    start - 30 days to the day before `last` left unpaid the day after it fell due. A loan at 1-30 DPD on
    day d has its oldest unpaid instalment due in [d - 30, d - 1], unpaid at d and so unpaid the day after
    its due date too (payments only add up): the per-day state then needs computing for these only."""
    if not loans:
        return []
    s, r = ScheduleItem, Repayment
    paid = (
        select(func.coalesce(func.sum(r.principal_paid + r.interest_paid), 0))
        .where(r.loan_id == s.loan_id, r.instalment_no == s.instalment_no, r.paid_on <= add_days(s.due_on, 1))
        .scalar_subquery()
    )
    found: set[str] = set()
    for first in range(0, len(loans), _CHUNK):
        found.update(
            conn.scalars(
                select(s.loan_id)
                .where(
                    s.loan_id.in_(loans[first : first + _CHUNK]),
                    s.due_on >= start - timedelta(days=M1_DPD),
                    s.due_on < last,
                    s.principal_due + s.interest_due - paid >= HALF_CENT,
                )
                .distinct()
            )
        )
    return sorted(found)


def _past_due_held(conn: Connection, h: _Holding, loans: list[str], day: date) -> list[tuple[str, str, int]]:
    """(loan, holder, DPD) of the loans past due on the day and held then, computed for those loans only."""
    base = live_base(day, Scope(), loans=loans)
    dpd = days_between(literal(day), base.c.first_due)
    rows = conn.execute(
        select(base.c.loan_id, h.holder_id, dpd)
        .join(h.table, h.loan_id == base.c.loan_id)
        .where(base.c.active == 1, base.c.first_due.is_not(None), _running(h, day))
    ).all()
    return [(loan, holder, int(n)) for loan, holder, n in rows]


def _lost(
    conn: Connection, h: _Holding, loans: list[str], last: date, config: Config
) -> dict[str, dict[str, int]]:
    """Per holder at `last`: lost-contact loans at or over / under the field-visit amount, visited in time,
    repaired."""
    base = live_base(last, Scope(), loans=loans)
    runs = lost_runs(loans, last, config)
    big = base.c.overdue_cents >= cents(literal(config.field_visit_amount))
    rows = conn.execute(
        select(h.holder_id, big.label("big"), runs.c.lost_on, runs.c.visited_on, runs.c.repaired_on)
        .select_from(base)
        .join(runs, runs.c.loan_id == base.c.loan_id)
        .join(h.table, h.loan_id == base.c.loan_id)
        .where(
            base.c.active == 1,
            base.c.first_due.is_not(None),
            runs.c.lost_on.is_not(None),
            _running(h, last),
        )
    ).all()
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    window = timedelta(days=config.lost_contact_visit_days)
    for holder_id, is_big, lost_on, visited_on, repaired_on in rows:
        lost_day = _as_day(lost_on)
        if is_big:
            if lost_day + window > last:
                continue  # the visit is not due yet
            out[holder_id]["lost_big"] += 1
            visited = _as_day(visited_on) if visited_on is not None else None
            out[holder_id]["visited_in_time"] += int(visited is not None and visited <= lost_day + window)
        else:
            out[holder_id]["lost_small"] += 1
            out[holder_id]["repaired"] += int(repaired_on is not None)
    return out


def _names(conn: Connection, by: str, ids: list[str]) -> dict[str, str]:
    table = (Staff.staff_id, Staff.name) if by == "collector" else (Agency.agency_id, Agency.name)
    return {key: name for key, name in conn.execute(select(*table).where(table[0].in_(ids)))}


def _as_day(value: date | datetime | str) -> date:
    """SQLite hands back a date computed in SQL as text; PostgreSQL as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
