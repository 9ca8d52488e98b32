"""Daily task lists by the early-collection rules (DOMAIN section 3, rules 1, 2 and 11; issue 16 item 4), and
the one definition of a loan's next action, which the overdue list uses too (`next_action`, a pure function,
fed by `action_facts`).

A staff member or an agency holds an overdue loan on D as its officer, its collector (an assignment running
on D) or its agency (a placement running on D). For each such loan the list says what the rules ask next and
whether today's part of it is done:

- over 90 DPD or doubtful: legal; past `agency_after_dpd` and not placed: hand to an agency;
- a field visit with photos: lost contact (derived, `lost_runs`) with `field_visit_amount` overdue and no
  visit since; `field_visit_amount` overdue or outstanding and no visit since the loan fell due; 61-90 DPD
  and no visit since it reached 61 DPD;
- lost contact below that amount: repair the contact details;
- T+1 to T+3: call the borrower twice a day; from T+4: call the borrower and every contact each day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)

from dashboard.config import Config
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Agency, CollectionAction, CollectorAssignment, Contact, Loan, Placement, Staff
from db.models.enums import CLASSES
from db.sqlfuncs import as_date

# Every next action, most severe first: the one vocabulary of the overdue list and the task lists.
ACTIONS = ("legal", "agency", "field_visit", "repair_contact", "call_twice", "call_contacts")
# A result that means somebody was reached (borrower or contact) ends a lost-contact run. `refused` counts:
# the person answered, they only would not pay.
REACHED = ("connected", "ptp", "refused", "paid")
# Channels that try to reach someone: a day with one of these and nobody reached is an unreached day.
ATTEMPTS = ("call", "sms", "field_visit")
DOUBTFUL_IX = CLASSES.index("doubtful")
EARLY_DPD = 3  # T+1 to T+3: two calls a day
COLUMNS = [
    "loan_id",
    "dpd",
    "overdue_amount",
    "lost_contact",
    "next_action",
    "calls_today",
    "done_today",
    "borrower_calls_today",
    "contacts",
    "contacts_called_today",
    "lost_since",
]


class UnknownHolder(ValueError):
    """The staff id or agency id names nobody."""


def next_action(
    *,
    as_of: date,
    dpd: int,
    class_ix: int,
    overdue_amount: Decimal,
    outstanding: Decimal,
    placed: bool,
    lost_on: date | None,
    last_visit: date | None,
    last_repair: date | None,
    config: Config,
) -> str:
    """What rules 1-2 ask of an overdue loan on D, the most severe step first: one of ACTIONS.

    `lost_on` is the day the loan lost contact (None while it has not, `lost_runs`); `last_visit` and
    `last_repair` the days of the last field visit and the last action that repaired the contact details
    before D. Only what was done before D settles a step, so the action holds all day and a step done on D
    is that day's work done (`tasks`, `done_today`)."""
    if dpd > 90 or class_ix >= DOUBTFUL_IX:
        return "legal"
    if dpd > config.agency_after_dpd and not placed:
        return "agency"

    def since(day: date, last: date | None) -> bool:
        return last is not None and last >= day

    amount = config.field_visit_amount
    fell_due = as_of - timedelta(days=dpd)  # the oldest unpaid instalment's due date
    if lost_on is not None and overdue_amount >= amount and not since(lost_on, last_visit):
        return "field_visit"
    if max(overdue_amount, outstanding) >= amount and not since(fell_due, last_visit):
        return "field_visit"
    if dpd > 60 and not since(fell_due + timedelta(days=61), last_visit):
        return "field_visit"
    if lost_on is not None and overdue_amount < amount and not since(lost_on, last_repair):
        return "repair_contact"
    return "call_twice" if dpd <= EARLY_DPD else "call_contacts"


@dataclass(frozen=True)
class ActionFacts:
    """What next_action and the done-today rules read from a loan's actions, besides its state."""

    lost_on: date | None = None
    last_visit: date | None = None  # before D
    last_repair: date | None = None  # before D
    visited_today: bool = False
    repaired_today: bool = False
    legal: bool = False  # a legal action recorded by the end of D


def action_facts(
    conn: Connection, *, loans: list[str], as_of: date, config: Config
) -> dict[str, ActionFacts]:
    """ActionFacts of the given loans at D (loans with no action are left out: ActionFacts() for them).

    Two grouped queries on the (loan_id, acted_at) index, for the loans of one page of a list only: both
    the overdue list and the task lists feed next_action from here."""
    if not loans:
        return {}
    a = CollectionAction
    start, end = datetime.combine(as_of, time()), end_of(as_of)
    is_visit, is_repair = a.channel == "field_visit", a.info_repaired.is_(True)
    rows = conn.execute(
        select(
            a.loan_id,
            func.max(case((and_(is_visit, a.acted_at < start), a.acted_at))),
            func.max(case((and_(is_repair, a.acted_at < start), a.acted_at))),
            func.max(case((and_(is_visit, a.acted_at >= start), 1), else_=0)),
            func.max(case((and_(is_repair, a.acted_at >= start), 1), else_=0)),
            func.max(case((a.channel == "legal", 1), else_=0)),
        )
        .where(a.loan_id.in_(loans), a.acted_at < end)
        .group_by(a.loan_id)
    ).all()
    runs = lost_runs(loans, as_of, config)
    lost = {loan_id: _day(day) for loan_id, day in conn.execute(select(runs.c.loan_id, runs.c.lost_on))}
    return {
        loan: ActionFacts(lost.get(loan), _day(visit), _day(repair), bool(visited), bool(repaired), bool(law))
        for loan, visit, repair, visited, repaired, law in rows
    }


def end_of(day: date) -> datetime:
    """Actions count when acted_at is before the next midnight: 'as at the end of day D'."""
    return datetime.combine(day + timedelta(days=1), time())


def lost_runs(loan_ids: Select[tuple[str]] | list[str], as_of: date, config: Config) -> Subquery:
    """Per loan with actions after the last time anybody was reached (up to the end of D): the current run.

    Columns: loan_id, lost_on (the day the run made the loan lost contact: the `lost_contact_days`-th day
    with an attempt, or an explicit `lost_contact` result if earlier; NULL while not lost), visited_on and
    repaired_on (the first field visit, the first action that repaired the contact details, on or after
    lost_on).
    """
    a = CollectionAction
    end = end_of(as_of)
    reached = (
        select(a.loan_id, func.max(a.acted_at).label("last_reach"))
        .where(a.acted_at < end, a.result.in_(REACHED), a.loan_id.in_(loan_ids))
        .group_by(a.loan_id)
        .subquery("reached")
    )
    run = (
        select(
            a.loan_id,
            a.acted_at,
            a.channel,
            a.result,
            a.info_repaired,
            as_date(a.acted_at).label("day"),
        )
        .outerjoin(reached, reached.c.loan_id == a.loan_id)
        .where(
            a.acted_at < end,
            a.loan_id.in_(loan_ids),
            or_(reached.c.last_reach.is_(None), a.acted_at > reached.c.last_reach),
        )
        .subquery("run")
    )
    days = (
        select(run.c.loan_id, run.c.day)
        .where(run.c.channel.in_(ATTEMPTS))
        .distinct()
        .subquery("attempt_days")
    )
    numbered = select(
        days.c.loan_id,
        days.c.day,
        func.row_number().over(partition_by=days.c.loan_id, order_by=days.c.day).label("n"),
    ).subquery("numbered")
    nth = (
        select(numbered.c.loan_id, numbered.c.day.label("nth_day"))
        .where(numbered.c.n == config.lost_contact_days)
        .subquery("nth")
    )
    summary = (
        select(
            run.c.loan_id,
            func.min(case((run.c.result == "lost_contact", run.c.day))).label("explicit_on"),
        )
        .group_by(run.c.loan_id)
        .subquery("summary")
    )
    explicit, counted = summary.c.explicit_on, nth.c.nth_day
    lost_on = case(
        (explicit.is_(None), counted),
        (counted.is_(None), explicit),
        (counted < explicit, counted),
        else_=explicit,
    )

    def first_since_lost(repair: bool) -> ColumnElement[date]:
        later = CollectionAction.__table__.alias("later")
        day = as_date(later.c.acted_at)
        condition = later.c.info_repaired.is_(True) if repair else later.c.channel == "field_visit"
        return (
            select(func.min(day))
            .where(later.c.loan_id == summary.c.loan_id, later.c.acted_at < end, day >= lost_on, condition)
            .scalar_subquery()
        )

    return (
        select(
            summary.c.loan_id,
            lost_on.label("lost_on"),
            first_since_lost(repair=False).label("visited_on"),
            first_since_lost(repair=True).label("repaired_on"),
        )
        .outerjoin(nth, nth.c.loan_id == summary.c.loan_id)
        .subquery("lost_runs")
    )


def _held(conn: Connection, staff_id: str | None, agency_id: str | None, as_of: date) -> ColumnElement[bool]:
    """The loans the staff member (as officer or collector) or the agency holds on D, as a condition on
    Loan."""
    if (staff_id is None) == (agency_id is None):
        raise ValueError("give exactly one of staff_id and agency_id")
    if agency_id is not None:
        if conn.scalar(select(Agency.agency_id).where(Agency.agency_id == agency_id)) is None:
            raise UnknownHolder(f"unknown agency {agency_id!r}")
        p = Placement
        return exists().where(
            p.loan_id == Loan.loan_id,
            p.agency_id == agency_id,
            p.placed_on <= as_of,
            or_(p.recalled_on.is_(None), p.recalled_on > as_of),
        )
    if conn.scalar(select(Staff.staff_id).where(Staff.staff_id == staff_id)) is None:
        raise UnknownHolder(f"unknown staff member {staff_id!r}")
    c = CollectorAssignment
    assigned = exists().where(
        c.loan_id == Loan.loan_id,
        c.staff_id == staff_id,
        c.assigned_on <= as_of,
        or_(c.ended_on.is_(None), c.ended_on > as_of),  # exclusive: DOMAIN section 5
    )
    return or_(Loan.officer_id == staff_id, assigned)


@dataclass(frozen=True)
class _Calls:
    borrower: int
    total: int
    contacts: frozenset[str]


def _calls_on(conn: Connection, loans: list[str], as_of: date) -> dict[str, _Calls]:
    a = CollectionAction
    start = datetime.combine(as_of, time())
    rows = conn.execute(
        select(a.loan_id, a.contact_id, func.count())
        .where(a.loan_id.in_(loans), a.channel == "call", a.acted_at >= start, a.acted_at < end_of(as_of))
        .group_by(a.loan_id, a.contact_id)
    ).all()
    borrower: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    called: dict[str, set[str]] = defaultdict(set)
    for loan_id, contact_id, n in rows:
        total[loan_id] += n
        if contact_id is None:
            borrower[loan_id] += n
        else:
            called[loan_id].add(contact_id)
    return {
        loan: _Calls(borrower[loan], total[loan], frozenset(called[loan]))
        for loan in set(total) | set(called)
    }


def _day(value: date | datetime | str | None) -> date | None:
    """SQLite hands back dates from a subquery as text; PostgreSQL as dates."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value[:10])


def tasks(
    conn: Connection,
    *,
    as_of: date,
    config: Config,
    staff_id: str | None = None,
    agency_id: str | None = None,
) -> pd.DataFrame:
    """The task list of a staff member or an agency on D: COLUMNS, one row per overdue loan they hold, the
    work not yet done first, then worst first (DPD, overdue amount). UnknownHolder for an unknown id.

    `calls_today` counts every call on the loan on D (borrower and contacts, whoever called);
    `done_today` says whether today's part of `next_action` is done: two calls to the borrower (call_twice);
    a call to the borrower and to every contact (call_contacts); a field visit on D (field_visit); an action
    on D that repaired the contact details (repair_contact); a legal action recorded (legal); never for
    `agency` (a manager's step: a placement takes the loan out of it the same day)."""
    held = _held(conn, staff_id, agency_id, as_of)
    among = select(Loan.loan_id).where(held)
    state = loan_state(as_of, Scope(), config, past_due=True, among=among, conn=conn)
    p = Placement
    placed = exists().where(
        p.loan_id == state.c.loan_id,
        p.placed_on <= as_of,
        or_(p.recalled_on.is_(None), p.recalled_on > as_of),
    )
    rows = conn.execute(
        select(
            state.c.loan_id,
            state.c.customer_id,
            state.c.dpd,
            state.c.class_ix,
            state.c.overdue_cents,
            state.c.op_cents,
            case((placed, 1), else_=0).label("placed"),
        )
        .where(state.c.dpd > 0, state.c.loan_id.in_(among))
        .order_by(state.c.dpd.desc(), state.c.overdue_cents.desc(), state.c.loan_id)
    ).all()
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    loans = [r.loan_id for r in rows]
    facts = action_facts(conn, loans=loans, as_of=as_of, config=config)
    calls = _calls_on(conn, loans, as_of)
    contacts: dict[str, set[str]] = defaultdict(set)
    customers = sorted({r.customer_id for r in rows})
    for customer_id, contact_id in conn.execute(
        select(Contact.customer_id, Contact.contact_id).where(Contact.customer_id.in_(customers))
    ):
        contacts[customer_id].add(contact_id)
    none, nothing = _Calls(0, 0, frozenset()), ActionFacts()
    records = []
    for r in rows:
        fact = facts.get(r.loan_id, nothing)
        overdue = yuan(r.overdue_cents)
        action = next_action(
            as_of=as_of,
            dpd=int(r.dpd),
            class_ix=r.class_ix,
            overdue_amount=overdue,
            outstanding=yuan(r.op_cents),
            placed=bool(r.placed),
            lost_on=fact.lost_on,
            last_visit=fact.last_visit,
            last_repair=fact.last_repair,
            config=config,
        )
        today = calls.get(r.loan_id, none)
        theirs = contacts[r.customer_id]
        done = {
            "legal": fact.legal,
            "agency": False,
            "field_visit": fact.visited_today,
            "repair_contact": fact.repaired_today,
            "call_twice": today.borrower >= 2,
            "call_contacts": today.borrower >= 1 and theirs <= today.contacts,
        }[action]
        lost_since = fact.lost_on
        records.append(
            (
                r.loan_id,
                int(r.dpd),
                overdue,
                lost_since is not None,
                action,
                today.total,
                done,
                today.borrower,
                len(theirs),
                len(theirs & today.contacts),
                lost_since,
            )
        )
    frame = pd.DataFrame(records, columns=COLUMNS)
    # Stable: within each group the worst-first order of the query stays.
    return frame.sort_values("done_today", kind="stable").reset_index(drop=True)
