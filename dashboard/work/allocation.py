"""Handing out collection work (issue 16): assign loans to a collector, place them with an agency, recall
them, end assignments, accept rule proposals, and hand a departed member of staff's loans to a successor.

Each function takes the connection of the action's one transaction (run it through
dashboard.work.saving.save, which adds the audit rows, the form token and the data version) and returns the
changes it made. It checks everything on the server first and refuses the action whole with a WorkError,
having written nothing: a loan outside the user's scope, a person who has left or holds the wrong job, an
assignment overlapping an open one, a recall of a loan that is not placed.

Days follow DOMAIN section 5, "End dates": an action on day D ends the old holder's assignment or placement
with `ended_on` / `recalled_on` = D and starts the new one on D, so on D the loan is the new holder's only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.kpi import groups
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import live_base
from dashboard.work.access import require
from dashboard.work.errors import FormInvalid, NotAllowed, WorkError, message
from dashboard.work.saving import Change
from db.models import (
    Agency,
    CollectorAssignment,
    Loan,
    LoanStateSnapshot,
    OfficerHistory,
    Placement,
    RollMonth,
    Staff,
)
from db.models.enums import COLLECTOR_ROLES
from db.models.work import new_assignment_id

MAX_REASON = 2000
SHOWN = 5  # loans named in a refusal; the count says how many more
# Who may take over a departed officer's loans (seed 002, Wuhan rules 一(一)4 and 四(1)): another account
# officer, a post-loan officer, or the phone-collection post, assessed on them by the officers' targets.
SUCCESSOR_ROLES = ("account_officer", "post_loan_officer", "phone_collector")


@dataclass(frozen=True)
class Proposal:
    """One accepted row of dashboard.kpi.allocation.proposals: `kind` 'agency' or 'collector'."""

    loan_id: str
    kind: str
    target_id: str


def assign_collector(
    conn: Connection,
    actor: Actor,
    *,
    loan_ids: Sequence[str],
    collector_id: str,
    on: date,
    replace: bool = False,
) -> list[Change]:
    """Assign the loans to a phone collector or asset preservation officer from `on`. A loan with an open
    assignment is refused, unless `replace`: then that assignment ends on `on` (a hand-over)."""
    require(actor, "allocate")
    ids = _loans_in_scope(conn, actor, loan_ids)
    _staff(conn, collector_id, COLLECTOR_ROLES, on, "collector_id")
    return _assign(conn, ids, collector_id, on, replace=replace)


def place_with_agency(
    conn: Connection, actor: Actor, *, loan_ids: Sequence[str], agency_id: str, on: date
) -> list[Change]:
    """Place the past-due loans with an agency from `on`, the overdue amount on that day as the placed
    amount; a loan already placed (or placed from a later day) is refused."""
    require(actor, "allocate")
    ids = _loans_in_scope(conn, actor, loan_ids)
    if conn.execute(select(Agency.agency_id).where(Agency.agency_id == agency_id)).first() is None:
        raise FormInvalid({"agency_id": message("alloc.err.unknown_agency", agency_id=agency_id)})
    return _place(conn, ids, agency_id, on)


def recall_from_agency(
    conn: Connection, actor: Actor, *, loan_ids: Sequence[str], reason: str, on: date
) -> list[Change]:
    """Take the loans back from their agency on `on`, with the reason; a loan not placed then is refused."""
    require(actor, "allocate")
    note = (reason or "").strip()
    if not note:  # also a CHECK (recall_reason_not_blank)
        raise FormInvalid({"reason": message("work.err.required")})
    if len(note) > MAX_REASON:
        raise FormInvalid({"reason": message("work.err.too_long", max=MAX_REASON)})
    ids = _loans_in_scope(conn, actor, loan_ids)
    held = _open_placements(conn, ids, on)
    _refuse_unless_all(ids, held, "alloc.err.not_placed", on)
    changes = []
    for loan_id in ids:
        row = held[loan_id]
        if row.placed_on > on:  # placed from a later day: the recall takes it back before it starts
            raise WorkError("alloc.err.placed_later", loans=loan_id, day=row.placed_on)
        after = {"recalled_on": on, "recall_reason": note}
        conn.execute(update(Placement).where(Placement.placement_id == row.placement_id).values(**after))
        before = {"recalled_on": None, "recall_reason": None}
        changes.append(Change("recall", "placements", row.placement_id, before, after))
    return changes


def end_assignments(conn: Connection, actor: Actor, *, loan_ids: Sequence[str], on: date) -> list[Change]:
    """End the loans' open assignments on `on`; one that starts on or after `on` held the loan on no day and
    is deleted. A loan with no open assignment is refused."""
    require(actor, "allocate")
    ids = _loans_in_scope(conn, actor, loan_ids)
    held = _open_assignments(conn, ids, on)
    _refuse_unless_all(ids, held, "alloc.err.not_assigned", on)
    return [_end(conn, held[loan_id], on) for loan_id in ids]


def accept_proposals(
    conn: Connection, actor: Actor, *, proposals: Iterable[Proposal], on: date
) -> list[Change]:
    """Carry out accepted proposals in one action: agency placements, and collector assignments that hand
    the loan over from its current collector (asset preservation takes a loan from the phone collector)."""
    require(actor, "allocate")
    chosen = list(proposals)
    if not chosen:
        raise WorkError("alloc.err.none_selected")
    _loans_in_scope(conn, actor, [p.loan_id for p in chosen])
    if len({(p.loan_id, p.kind) for p in chosen}) != len(chosen):
        raise WorkError("alloc.err.twice")
    changes: list[Change] = []
    for kind in ("agency", "collector"):
        by_target: dict[str, list[str]] = {}
        for p in chosen:
            if p.kind not in ("agency", "collector"):
                raise WorkError("alloc.err.unknown_kind", kind=p.kind)
            if p.kind == kind:
                by_target.setdefault(p.target_id, []).append(p.loan_id)
        for target, loans in sorted(by_target.items()):
            if kind == "agency":
                changes += place_with_agency(conn, actor, loan_ids=loans, agency_id=target, on=on)
            else:
                changes += assign_collector(
                    conn, actor, loan_ids=loans, collector_id=target, on=on, replace=True
                )
    return changes


def hand_over(
    conn: Connection, actor: Actor, *, loan_ids: Sequence[str], departed_id: str, successor_id: str, on: date
) -> list[Change]:
    """Give a departed member of staff's loans to a successor from `on`: as account officer (the loan's
    officer and its officer history), and their open collector assignments (ended on `on`, the successor's
    from `on`). Refused: a person who has not left, a successor who has or holds the wrong job, a loan the
    departed person holds neither way."""
    require(actor, "handover")
    ids = _loans_in_scope(conn, actor, loan_ids)
    departed = conn.execute(select(Staff.name, Staff.left_on).where(Staff.staff_id == departed_id)).first()
    if departed is None:
        raise FormInvalid({"departed_id": message("alloc.err.unknown_staff", staff_id=departed_id)})
    if departed.left_on is None or departed.left_on > on:
        raise FormInvalid({"departed_id": message("alloc.err.not_departed", name=departed.name, day=on)})
    if successor_id == departed_id:
        raise FormInvalid({"successor_id": message("alloc.err.same_person")})
    officer_of = dict(conn.execute(select(Loan.loan_id, Loan.officer_id).where(Loan.loan_id.in_(ids))).all())
    as_officer = [loan for loan in ids if officer_of.get(loan) == departed_id]
    assignments = {
        loan: row for loan, row in _open_assignments(conn, ids, on).items() if row.staff_id == departed_id
    }
    _refuse_unless_all(ids, set(as_officer) | set(assignments), "alloc.err.not_held", on, name=departed.name)
    changes: list[Change] = []
    if as_officer:
        _staff(conn, successor_id, SUCCESSOR_ROLES, on, "successor_id")
        changes += _move_officer(conn, as_officer, departed_id, successor_id, on)
    if assignments:
        _staff(conn, successor_id, COLLECTOR_ROLES, on, "successor_id")
        changes += _assign(conn, sorted(assignments), successor_id, on, replace=True)
    return changes


def record_departure(conn: Connection, actor: Actor, *, staff_id: str, left_on: date | None) -> list[Change]:
    """Record that a member of staff leaves on `left_on` (None: takes it back). From that day they are not
    scored and what they hold waits in the hand-over queue; the extract's staff.csv does the same."""
    require(actor, "admin")
    row = conn.execute(select(Staff.joined_on, Staff.left_on).where(Staff.staff_id == staff_id)).first()
    if row is None:
        raise FormInvalid({"staff_id": message("alloc.err.unknown_staff", staff_id=staff_id)})
    if left_on is not None and left_on < row.joined_on:  # also a CHECK (left_after_joined)
        raise FormInvalid({"left_on": message("work.err.before", value=left_on, other=row.joined_on)})
    conn.execute(update(Staff).where(Staff.staff_id == staff_id).values(left_on=left_on))
    return [Change("update", "staff", staff_id, {"left_on": row.left_on}, {"left_on": left_on})]


def _loans_in_scope(conn: Connection, actor: Actor, loan_ids: Sequence[str]) -> list[str]:
    """The distinct ids, sorted, when every one is a loan the user's job covers; else refused, naming them."""
    ids = sorted({str(loan).strip() for loan in loan_ids if str(loan).strip()})
    if not ids:
        raise WorkError("alloc.err.none_selected")
    found = set(
        conn.execute(select(Loan.loan_id).where(Loan.loan_id.in_(ids), loan_condition(actor))).scalars()
    )
    outside = [loan for loan in ids if loan not in found]
    if outside:
        raise NotAllowed("work.err.loan_out_of_scope", loan_id=_named(outside))
    return ids


def _named(loans: Sequence[str]) -> str:
    more = len(loans) - SHOWN
    return ", ".join(loans[:SHOWN]) + (f" (+{more})" if more > 0 else "")


def _refuse_unless_all(ids: Sequence[str], held: Iterable[str], key: str, on: date, **values: Any) -> None:
    have = set(held)
    missing = [loan for loan in ids if loan not in have]
    if missing:
        raise WorkError(key, loans=_named(missing), count=len(missing), day=on, **values)


def _staff(conn: Connection, staff_id: str, roles: Sequence[str], on: date, field: str) -> None:
    row = conn.execute(
        select(Staff.name, Staff.role, Staff.joined_on, Staff.left_on).where(Staff.staff_id == staff_id)
    ).first()
    if row is None:
        raise FormInvalid({field: message("alloc.err.unknown_staff", staff_id=staff_id)})
    if row.role not in roles:
        raise FormInvalid({field: message("alloc.err.wrong_role", name=row.name, role=row.role)})
    if row.left_on is not None and row.left_on <= on:
        raise FormInvalid({field: message("alloc.err.departed", name=row.name, day=row.left_on)})
    if row.joined_on > on:
        raise FormInvalid({field: message("alloc.err.not_joined", name=row.name, day=row.joined_on)})


def _open_assignments(conn: Connection, ids: Sequence[str], on: date) -> dict[str, Any]:
    """Per loan, its assignment holding it on `on` or from a later day (the schema allows one open per loan,
    and the checks here no overlap, so there is at most one)."""
    a = CollectorAssignment
    rows = conn.execute(
        select(a.assignment_id, a.loan_id, a.staff_id, a.assigned_on, a.ended_on)
        .where(a.loan_id.in_(ids), or_(a.ended_on.is_(None), a.ended_on > on))
        .order_by(a.assigned_on)
    ).all()
    return {row.loan_id: row for row in rows}


def _open_placements(conn: Connection, ids: Sequence[str], on: date) -> dict[str, Any]:
    p = Placement
    rows = conn.execute(
        select(p.placement_id, p.loan_id, p.agency_id, p.placed_on, p.recalled_on)
        .where(p.loan_id.in_(ids), or_(p.recalled_on.is_(None), p.recalled_on > on))
        .order_by(p.placed_on)
    ).all()
    return {row.loan_id: row for row in rows}


def _end(conn: Connection, row: Any, on: date) -> Change:
    a = CollectorAssignment
    before = {"staff_id": row.staff_id, "assigned_on": row.assigned_on, "ended_on": row.ended_on}
    if row.assigned_on >= on:
        conn.execute(delete(a).where(a.assignment_id == row.assignment_id))
        return Change("delete", "collector_assignments", row.assignment_id, before, None)
    conn.execute(update(a).where(a.assignment_id == row.assignment_id).values(ended_on=on))
    return Change("end", "collector_assignments", row.assignment_id, before, {**before, "ended_on": on})


def _assign(
    conn: Connection, ids: Sequence[str], collector_id: str, on: date, *, replace: bool
) -> list[Change]:
    held = _open_assignments(conn, ids, on)
    same = [loan for loan in ids if loan in held and held[loan].staff_id == collector_id]
    if same:
        raise WorkError("alloc.err.same_collector", loans=_named(same), count=len(same))
    blocked = [loan for loan in ids if loan in held and (not replace or held[loan].assigned_on >= on)]
    if blocked:
        raise WorkError("alloc.err.assigned", loans=_named(blocked), count=len(blocked), day=on)
    changes = [_end(conn, held[loan], on) for loan in ids if loan in held]
    for loan in ids:
        row = {
            "assignment_id": new_assignment_id(),
            "loan_id": loan,
            "staff_id": collector_id,
            "assigned_on": on,
            "ended_on": None,
        }
        conn.execute(insert(CollectorAssignment).values(**row))
        changes.append(Change("insert", "collector_assignments", row["assignment_id"], None, row))
    return changes


def _place(conn: Connection, ids: Sequence[str], agency_id: str, on: date) -> list[Change]:
    placed = _open_placements(conn, ids, on)
    if placed:
        loans = sorted(placed)
        raise WorkError("alloc.err.placed", loans=_named(loans), count=len(loans), day=on)
    state = live_base(on, Scope(), loans=ids)
    overdue = dict(
        conn.execute(
            select(state.c.loan_id, state.c.overdue_cents).where(
                state.c.active == 1, state.c.overdue_cents > 0
            )
        ).all()
    )
    current = [loan for loan in ids if loan not in overdue]
    if current:
        raise WorkError("alloc.err.not_overdue", loans=_named(current), count=len(current), day=on)
    changes = []
    for loan in ids:
        row = {
            "placement_id": f"PL{uuid4().hex[:16]}",
            "loan_id": loan,
            "agency_id": agency_id,
            "placed_on": on,
            "recalled_on": None,
            "placed_amount": yuan(overdue[loan]),
        }
        conn.execute(insert(Placement).values(**row))
        changes.append(Change("insert", "placements", row["placement_id"], None, row))
    return changes


def _move_officer(
    conn: Connection, ids: Sequence[str], departed_id: str, successor_id: str, on: date
) -> list[Change]:
    """loans.officer_id and the officer history; the snapshot groups (keyed by officer) follow the loans, and
    the roll groups are dropped for `postloan refresh` to build again, as after an import that moves loans."""
    dates = list(conn.execute(select(LoanStateSnapshot.as_of).distinct()).scalars())
    for as_of in dates:
        groups.remove(conn, as_of=as_of, loans=ids)
    conn.execute(update(Loan).where(Loan.loan_id.in_(ids)).values(officer_id=successor_id))
    for as_of in dates:
        groups.add(conn, as_of=as_of, loans=ids)
    conn.execute(delete(RollMonth))
    changes = []
    for loan in ids:
        record_officer_change(conn, loan_id=loan, previous=departed_id, officer_id=successor_id, on=on)
        before, after = {"officer_id": departed_id}, {"officer_id": successor_id, "from": on}
        changes.append(Change("hand_over", "loans", loan, before, after))
    return changes


def record_officer_change(
    conn: Connection, *, loan_id: str, previous: str, officer_id: str, on: date
) -> None:
    """The officer history of a loan whose officer becomes `officer_id` on `on`: the open row ends on `on`
    and a new one starts (an open row starting on or after `on` just changes hands). A loan without history
    (written before migration 0011 by the demo seed) gets the previous officer's row from disbursement."""
    h = OfficerHistory
    open_row = conn.execute(select(h.from_on).where(h.loan_id == loan_id, h.to_on.is_(None))).first()
    if open_row is None:
        disbursed = conn.execute(select(Loan.disbursed_on).where(Loan.loan_id == loan_id)).scalar_one()
        if disbursed < on:
            conn.execute(insert(h).values(loan_id=loan_id, from_on=disbursed, officer_id=previous, to_on=on))
        start = max(on, disbursed)
        conn.execute(insert(h).values(loan_id=loan_id, from_on=start, officer_id=officer_id, to_on=None))
        return
    if open_row.from_on >= on:
        conn.execute(
            update(h).where(and_(h.loan_id == loan_id, h.to_on.is_(None))).values(officer_id=officer_id)
        )
        return
    conn.execute(update(h).where(and_(h.loan_id == loan_id, h.to_on.is_(None))).values(to_on=on))
    conn.execute(insert(h).values(loan_id=loan_id, from_on=on, officer_id=officer_id, to_on=None))
