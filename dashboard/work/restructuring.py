"""Restructuring with a second approver (issue 18; seed 002 Art. 49(7): a loan not repaid as contracted may be
restructured by agreement). An officer, risk manager or asset-preservation officer proposes it with a date and
a reason; a risk manager whose subtree covers the loan, never the proposer, approves or rejects it with a
comment. The approval writes the restructurings row, from which the loan is at least substandard for the
observation period (dashboard.kpi.restructured); the new schedule comes in through schedule.csv. A loan
written off on or before the restructuring day cannot be restructured.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.kpi.snapshots import refresh_loans
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, NotAllowed, StaleRecord, message
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import clean, loan_date_problem, new_id, text_problem
from db.models import Loan, Restructuring, RestructuringProposal, Staff

PENDING_COLUMNS = [
    "proposal_id",
    "loan_id",
    "restructured_on",
    "reason",
    "proposed_by",
    "proposer",
    "proposed_at",
]


def _written_off_problem(conn: Connection, loan_id: str, on: date | None) -> Message | None:
    written_off_on = conn.execute(select(Loan.written_off_on).where(Loan.loan_id == loan_id)).scalar()
    if on is not None and written_off_on is not None and written_off_on <= on:
        return message("rs.err.written_off", date=written_off_on)
    return None


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def propose_restructuring(
    engine: Engine,
    actor: Actor,
    loan_id: str,
    restructured_on: date | None,
    reason: str | None,
    token: str | None,
    *,
    today: date | None = None,
) -> Saved:
    loan_id = (loan_id or "").strip()
    note = clean(reason)
    day = today or clock.today()

    def write(conn: Connection) -> list[Change]:
        require(actor, "restructure")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        require_loan(conn, actor, loan_id)
        errors: dict[str, Message] = {}
        problem = text_problem(note, required=True)  # also a CHECK (reason_required)
        if problem:
            errors["reason"] = problem
        problem = loan_date_problem(conn, loan_id, restructured_on, day) or _written_off_problem(
            conn, loan_id, restructured_on
        )
        if problem:
            errors["restructured_on"] = problem
        p = RestructuringProposal
        if conn.execute(select(p.proposal_id).where(p.loan_id == loan_id, p.status == "pending")).first():
            errors["loan_id"] = message("rs.err.pending_exists")  # also a partial unique index
        if errors:
            raise FormInvalid(errors)
        values = {
            "loan_id": loan_id,
            "restructured_on": restructured_on,
            "reason": note,
            "proposed_by": actor.staff_id,
            "proposed_at": clock.now(),
            "status": "pending",
        }
        proposal_id = conn.execute(insert(p).values(**values).returning(p.proposal_id)).scalar_one()
        return [Change("insert", "restructuring_proposals", str(proposal_id), None, _jsonable(values))]

    return save(engine, actor, token, write)


def decide_restructuring(
    engine: Engine, actor: Actor, proposal_id: int, approve: bool, comment: str | None, token: str | None
) -> Saved:
    """Approve or reject a pending proposal with a comment: a risk manager covering the loan, not the
    proposer. An approval writes the restructurings row and brings the loan's snapshots up to date from the
    restructuring day."""
    note = clean(comment)

    def write(conn: Connection) -> list[Change]:
        require(actor, "restructure_approve")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        p = RestructuringProposal
        row = (
            conn.execute(select(*p.__table__.columns).where(p.proposal_id == proposal_id)).mappings().first()
        )
        if row is None:
            raise NotAllowed("rs.err.no_proposal", proposal_id=proposal_id)
        require_loan(conn, actor, row["loan_id"])
        if row["status"] != "pending":
            raise StaleRecord("rs.err.already_decided", proposal_id=proposal_id)
        errors: dict[str, Message] = {}
        if row["proposed_by"] == actor.staff_id:  # also a CHECK (not_self_approved)
            errors["decision"] = message("cls.err.self_approval")
        problem = text_problem(note, required=True)  # also a CHECK (decided_with_comment)
        if problem:
            errors["comment"] = problem
        written_off = _written_off_problem(conn, row["loan_id"], row["restructured_on"]) if approve else None
        if written_off:  # written off since it was proposed
            errors["decision"] = written_off
        if errors:
            raise FormInvalid(errors)
        restructuring_id = new_id("RS") if approve else None
        decided = {
            "status": "approved" if approve else "rejected",
            "decided_by": actor.staff_id,
            "decided_at": clock.now(),
            "decision_comment": note,
            "restructuring_id": restructuring_id,
        }
        changes = []
        if approve:
            values = {
                "restructuring_id": restructuring_id,
                "loan_id": row["loan_id"],
                "restructured_on": row["restructured_on"],
                "reason": row["reason"],
            }
            conn.execute(insert(Restructuring).values(**values))
            changes.append(Change("insert", "restructurings", str(restructuring_id), None, _jsonable(values)))
        done = conn.execute(
            update(p).where(p.proposal_id == proposal_id, p.status == "pending").values(**decided)
        )
        if done.rowcount != 1:  # decided by someone else between our read and this update
            raise StaleRecord("rs.err.already_decided", proposal_id=proposal_id)
        changes.insert(
            0,
            Change(
                "update",
                "restructuring_proposals",
                str(proposal_id),
                {"status": "pending"},
                _jsonable(decided),
            ),
        )
        if approve:
            refresh_loans(conn, loans=[row["loan_id"]], affects_from=row["restructured_on"])
        return changes

    return save(engine, actor, token, write, state=approve)


def pending_restructurings(conn: Connection, actor: Actor) -> pd.DataFrame:
    """The pending proposals on loans in the actor's scope, oldest first."""
    p = RestructuringProposal
    rows = conn.execute(
        select(
            p.proposal_id,
            p.loan_id,
            p.restructured_on,
            p.reason,
            p.proposed_by,
            Staff.name.label("proposer"),
            p.proposed_at,
        )
        .join(Loan, Loan.loan_id == p.loan_id)
        .outerjoin(Staff, Staff.staff_id == p.proposed_by)
        .where(p.status == "pending", loan_condition(actor))
        .order_by(p.proposed_at, p.proposal_id)
    ).all()
    return pd.DataFrame(rows, columns=PENDING_COLUMNS)
