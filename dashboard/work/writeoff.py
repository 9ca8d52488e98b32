"""Write-off proposals with a second approver (issue 18; seed 001 "貸款核銷", seed 002 Art. 49 and the lending
centre's rules: 資產(風險)管理人員 run "資產核銷全流程", 貸后管理人員 the 訴訟、核銷、處置 of risk customers).

An asset-preservation officer or a risk manager proposes writing off a non-performing loan of their scope
with the principal to write off (not above its outstanding principal on the write-off day), a reason and the
write-off day (not after the data date); a risk manager whose branch subtree covers the loan, never the
proposer, approves or rejects it with a comment. The approval sets loans.written_off_on, where every figure
reads a write-off from (the written-off book, the active book, roll rates, scope), and brings the loan's
snapshots up to date from that day. The import keeps it while the extract's written_off_on for the loan is
blank (dashboard.importer.npl.keep_approved_writeoffs).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.money import yuan
from dashboard.kpi.snapshots import refresh_loans
from dashboard.work.access import require, require_loan
from dashboard.work.collection import parse_amount
from dashboard.work.errors import FormInvalid, Message, NotAllowed, StaleRecord, message
from dashboard.work.overrides import decision_day, loan_class_now
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import EARLIEST_WORK, clean, text_problem
from db.models import Loan, Staff, WriteoffProposal

NPL_CLASSES = ("substandard", "doubtful", "loss")
PENDING_COLUMNS = [
    "proposal_id",
    "loan_id",
    "branch_id",
    "written_off_on",
    "amount",
    "reason",
    "proposed_by",
    "proposer",
    "proposed_at",
]
HISTORY_COLUMNS = [
    "proposed_at",
    "written_off_on",
    "amount",
    "status",
    "reason",
    "proposed_by",
    "decided_by",
    "decided_at",
    "decision_comment",
]


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def _loan_problems(
    conn: Connection, loan_id: str, on: date | None, amount: Decimal | None, last: date, config: Config
) -> dict[str, Message]:
    """What stands against writing the loan off on `on` for `amount`, by field: written off already, a day
    outside disbursement..last, not non-performing on that day, the amount above its outstanding
    principal then. None of these can be a row CHECK: each needs the loan, its repayments or the clock."""
    errors: dict[str, Message] = {}
    loan = conn.execute(select(Loan.disbursed_on, Loan.written_off_on).where(Loan.loan_id == loan_id)).one()
    if loan.written_off_on is not None:
        errors["loan_id"] = message("wo.err.written_off", date=loan.written_off_on)
        return errors
    if on is None:
        errors["written_off_on"] = message("work.err.required")
        return errors
    first = max(loan.disbursed_on, EARLIEST_WORK)
    if on < first:
        errors["written_off_on"] = message("work.err.before", value=on, other=first)
    elif on > last:
        errors["written_off_on"] = message("wo.err.after_data_date", value=on, data_date=last)
    if errors:
        return errors
    now = loan_class_now(conn, loan_id, on, config)
    if now is None:
        errors["loan_id"] = message("wo.err.inactive", date=on)
    elif now.effective not in NPL_CLASSES:
        errors["loan_id"] = message("wo.err.not_npl", date=on)
    elif amount is not None and amount > yuan(now.op_cents):
        errors["amount"] = message("wo.err.above_balance", amount=amount, balance=yuan(now.op_cents), date=on)
    return errors


def propose_writeoff(
    engine: Engine,
    actor: Actor,
    loan_id: str,
    written_off_on: date | None,
    amount: Decimal | str | None,
    reason: str | None,
    token: str | None,
    config: Config,
    *,
    today: date | None = None,
) -> Saved:
    """Propose writing the loan off on `written_off_on`; nothing changes until it is approved
    (decide_writeoff). `today` stands for the data date, the latest write-off day allowed."""
    loan_id = (loan_id or "").strip()
    note = clean(reason)

    def write(conn: Connection) -> list[Change]:
        require(actor, "writeoff")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        require_loan(conn, actor, loan_id)
        errors: dict[str, Message] = {}
        parsed, problem = parse_amount(amount)  # above zero: also a CHECK (amount_positive)
        if problem or parsed is None:
            errors["amount"] = problem or message("work.err.required")
        problem = text_problem(note, required=True)  # also a CHECK (reason_required)
        if problem:
            errors["reason"] = problem
        last = today or decision_day(conn)
        for name, found in _loan_problems(conn, loan_id, written_off_on, parsed, last, config).items():
            errors.setdefault(name, found)
        p = WriteoffProposal
        if conn.execute(select(p.proposal_id).where(p.loan_id == loan_id, p.status == "pending")).first():
            errors["loan_id"] = message("wo.err.pending_exists")  # also a partial unique index
        if errors:
            raise FormInvalid(errors)
        values = {
            "loan_id": loan_id,
            "written_off_on": written_off_on,
            "amount": parsed,
            "reason": note,
            "proposed_by": actor.staff_id,
            "proposed_at": clock.now(),
            "status": "pending",
        }
        proposal_id = conn.execute(insert(p).values(**values).returning(p.proposal_id)).scalar_one()
        return [Change("insert", "writeoff_proposals", str(proposal_id), None, _jsonable(values))]

    return save(engine, actor, token, write)


def decide_writeoff(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    approve: bool,
    comment: str | None,
    token: str | None,
    config: Config,
    *,
    today: date | None = None,
) -> Saved:
    """Approve or reject a pending proposal with a comment: a risk manager covering the loan, not the
    proposer. An approval checks the loan again (written off meanwhile by the import, repayments since that
    lowered its balance below the amount), sets loans.written_off_on and brings the loan's snapshots up to
    date from the write-off day."""
    note = clean(comment)

    def write(conn: Connection) -> list[Change]:
        require(actor, "writeoff_approve")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        p = WriteoffProposal
        row = (
            conn.execute(select(*p.__table__.columns).where(p.proposal_id == proposal_id)).mappings().first()
        )
        if row is None:
            raise NotAllowed("wo.err.no_proposal", proposal_id=proposal_id)
        require_loan(conn, actor, row["loan_id"])
        if row["status"] != "pending":
            raise StaleRecord("wo.err.already_decided", proposal_id=proposal_id)
        errors: dict[str, Message] = {}
        if row["proposed_by"] == actor.staff_id:  # also a CHECK (not_self_approved)
            errors["decision"] = message("cls.err.self_approval")
        problem = text_problem(note, required=True)  # also a CHECK (decided_with_comment)
        if problem:
            errors["comment"] = problem
        if approve and "decision" not in errors:
            last = today or decision_day(conn)
            found = _loan_problems(
                conn, row["loan_id"], row["written_off_on"], row["amount"], last, config
            ).values()
            if found:
                errors["decision"] = next(iter(found))
        if errors:
            raise FormInvalid(errors)
        decided = {
            "status": "approved" if approve else "rejected",
            "decided_by": actor.staff_id,
            "decided_at": clock.now(),
            "decision_comment": note,
        }
        done = conn.execute(
            update(p).where(p.proposal_id == proposal_id, p.status == "pending").values(**decided)
        )
        if done.rowcount != 1:  # decided by someone else between our read and this update
            raise StaleRecord("wo.err.already_decided", proposal_id=proposal_id)
        changes = [
            Change(
                "update", "writeoff_proposals", str(proposal_id), {"status": "pending"}, _jsonable(decided)
            )
        ]
        if approve:
            written = conn.execute(
                update(Loan)
                .where(Loan.loan_id == row["loan_id"], Loan.written_off_on.is_(None))
                .values(written_off_on=row["written_off_on"])
            )
            if written.rowcount != 1:
                raise StaleRecord("wo.err.already_decided", proposal_id=proposal_id)
            changes.append(
                Change(
                    "update",
                    "loans",
                    row["loan_id"],
                    {"written_off_on": None},
                    {"written_off_on": row["written_off_on"].isoformat(), "proposal_id": proposal_id},
                )
            )
            refresh_loans(conn, loans=[row["loan_id"]], affects_from=row["written_off_on"])
        return changes

    return save(engine, actor, token, write, state=approve)


def pending_writeoffs(conn: Connection, actor: Actor) -> pd.DataFrame:
    """The pending proposals on loans in the actor's scope, oldest first."""
    p = WriteoffProposal
    rows = conn.execute(
        select(
            p.proposal_id,
            p.loan_id,
            Loan.branch_id,
            p.written_off_on,
            p.amount,
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


def writeoff_history(conn: Connection, loan_id: str) -> pd.DataFrame:
    """Every write-off proposal of the loan, newest first, with who proposed and who decided it, when and
    why. The caller checks the scope."""
    p = WriteoffProposal
    proposer, decider = Staff.__table__.alias("proposer"), Staff.__table__.alias("decider")
    rows = conn.execute(
        select(
            p.proposed_at,
            p.written_off_on,
            p.amount,
            p.status,
            p.reason,
            proposer.c.name.label("proposed_by"),
            decider.c.name.label("decided_by"),
            p.decided_at,
            p.decision_comment,
        )
        .outerjoin(proposer, proposer.c.staff_id == p.proposed_by)
        .outerjoin(decider, decider.c.staff_id == p.decided_by)
        .where(p.loan_id == loan_id)
        .order_by(p.proposed_at.desc(), p.proposal_id.desc())
    ).all()
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)
