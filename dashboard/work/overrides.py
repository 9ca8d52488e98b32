"""Classification overrides (DOMAIN rule 12): an officer or risk manager proposes a class with a reason and
triggers, a second person approves it (maker-checker); only the approval writes the override.

The effective class at D is the worse of the DPD class and the latest override on or before D
(dashboard.kpi.state), so an override counts in every figure from its effective date. Imported
classification_overrides rows need no approval here: the core system approved them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.data_dates import latest_data_date
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh_loans
from dashboard.kpi.state import CLASS_RANK, class_name, loan_state
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, NotAllowed, StaleRecord, message
from dashboard.work.saving import Change, Saved, save
from db.models import ClassificationOverride, ClassificationProposal, Inspection, Loan, Staff
from db.models.enums import CLASSES, OVERRIDE_TRIGGERS

MAX_REASON = 2000


# --- Proposals and their approval (maker-checker, issue 15) -------------------------------------------------
# A proposal names any class not better than the loan's DPD floor: a worse class than it has, or a lift of an
# earlier downgrade back toward the floor once the reason is gone. It changes nothing until a risk manager
# whose branch subtree covers the loan, never the proposer, approves it; the approval writes the override row
# (effective on the approval day), which dashboard.kpi.state reads as the latest override. Imported
# classification_overrides rows have no proposal: the core system approved them.


@dataclass(frozen=True)
class LoanClass:
    """A loan's classification on a day: DPD, the DPD floor (its product's floors) and the effective class."""

    dpd: int
    floor: str
    effective: str
    op_cents: int
    written_off: bool


def dpd_floor_class(dpd: int, floors: tuple[int, int, int]) -> str:
    """The class DPD alone gives (rule 12), as dashboard.kpi.state.class_expr derives it in SQL."""
    substandard, doubtful, loss = floors
    if dpd <= 0:
        return "normal"
    if dpd > loss:
        return "loss"
    if dpd > doubtful:
        return "doubtful"
    if dpd > substandard:
        return "substandard"
    return "special_mention"


def loan_class_now(conn: Connection, loan_id: str, on: date, config: Config) -> LoanClass | None:
    """The loan's DPD, floor class and effective class on `on`; None when it does not exist or was not yet
    disbursed or is repaid. A written-off loan is returned with written_off set."""
    loan = conn.execute(
        select(Loan.officer_id, Loan.product_id, Loan.branch_id, Loan.written_off_on).where(
            Loan.loan_id == loan_id
        )
    ).first()
    if loan is None:
        return None
    scope = Scope(branch_id=loan.branch_id, product_id=loan.product_id, officer_id=loan.officer_id)
    state = loan_state(on, scope, config, active_only=False, conn=conn)
    row = conn.execute(
        select(state.c.dpd, state.c.class_ix, state.c.op_cents).where(state.c.loan_id == loan_id)
    ).first()
    written_off = loan.written_off_on is not None and loan.written_off_on <= on
    if row is None or (row.op_cents <= 0 and not written_off):
        return None
    return LoanClass(
        dpd=int(row.dpd),
        floor=dpd_floor_class(int(row.dpd), config.floors(loan.product_id)),
        effective=class_name(row.class_ix),
        op_cents=int(row.op_cents),
        written_off=written_off,
    )


def decision_day(conn: Connection) -> date:
    """The day a proposal is checked and an approval takes effect: the data date (the latest day the loan
    state is complete, the dashboards' default as-of date), so the figures read on it move at once; today
    before any data."""
    return latest_data_date(conn) or clock.today()


def proposable_classes(now: LoanClass) -> list[str]:
    """The classes a proposal may name: not better than the DPD floor, and not the class the loan has."""
    return [c for c in CLASSES if CLASS_RANK[c] >= CLASS_RANK[now.floor] and c != now.effective]


def propose_override(
    engine: Engine,
    actor: Actor,
    loan_id: str,
    classification: str | None,
    reason: str | None,
    triggers: Sequence[str],
    other_trigger: str | None,
    token: str | None,
    config: Config,
    *,
    inspection_id: str | None = None,
    today: date | None = None,
) -> Saved:
    """Propose a class for a loan, checked against its class on the decision day (the data date unless
    `today` is given); it takes effect only when approved (decide_proposal)."""

    def write(conn: Connection) -> list[Change]:
        return proposal_changes(
            conn,
            actor,
            loan_id,
            classification,
            reason,
            triggers,
            other_trigger,
            config,
            inspection_id=inspection_id,
            today=today,
        )

    return save(engine, actor, token, write)


def proposal_changes(
    conn: Connection,
    actor: Actor,
    loan_id: str,
    classification: str | None,
    reason: str | None,
    triggers: Sequence[str],
    other_trigger: str | None,
    config: Config,
    *,
    inspection_id: str | None = None,
    today: date | None = None,
) -> list[Change]:
    """propose_override's checks and insert inside the caller's transaction (an early warning's
    disposition proposes a downgrade in the same save); the first change's key is the proposal id."""
    loan_id = (loan_id or "").strip()
    note = (reason or "").strip()
    other = (other_trigger or "").strip() or None
    chosen = [code for code in OVERRIDE_TRIGGERS if code in set(triggers)]
    require(actor, "override")
    if not actor.staff_id:
        raise NotAllowed("ovr.err.no_staff")
    require_loan(conn, actor, loan_id)
    day = today or decision_day(conn)
    errors: dict[str, Message] = {}
    if not note:  # also a CHECK (reason_required)
        errors["reason"] = message("work.err.required")
    elif len(note) > MAX_REASON:
        errors["reason"] = message("work.err.too_long", max=MAX_REASON)
    if set(triggers) - set(OVERRIDE_TRIGGERS):
        errors["triggers"] = message("cls.err.unknown_trigger")
    elif not chosen:  # also a CHECK (trigger_required)
        errors["triggers"] = message("cls.err.no_trigger")
    if "other" in chosen and not other:
        errors["other_trigger"] = message("cls.err.other_blank")
    elif other and len(other) > MAX_REASON:
        errors["other_trigger"] = message("work.err.too_long", max=MAX_REASON)
    if inspection_id is not None and not _risk_signal_of(conn, inspection_id, loan_id):
        errors["inspection_id"] = message("cls.err.inspection", inspection_id=inspection_id)
    now = loan_class_now(conn, loan_id, day, config)
    if now is None:
        errors["loan_id"] = message("ovr.err.inactive", date=day)
    elif now.written_off:
        errors["loan_id"] = message("cls.err.written_off", date=day)
    elif classification not in CLASSES:  # also a CHECK
        errors["classification"] = message("ovr.err.unknown_class")
    elif CLASS_RANK[classification] < CLASS_RANK[now.floor]:
        errors["classification"] = message(f"cls.err.better_than_floor.{now.floor}", dpd=now.dpd)
    elif classification == now.effective:
        errors["classification"] = message(f"cls.err.no_change.{now.effective}")
    if "loan_id" not in errors and _pending_of(conn, loan_id) is not None:
        errors["loan_id"] = message("cls.err.pending_exists")
    if errors:
        raise FormInvalid(errors)
    values = {
        "loan_id": loan_id,
        "classification": classification,
        "reason": note,
        "triggers": ",".join(chosen),
        "other_trigger": other if "other" in chosen else None,
        "inspection_id": inspection_id,
        "proposed_by": actor.staff_id,
        "proposed_at": clock.now(),
        "status": "pending",
    }
    proposal_id = conn.execute(
        insert(ClassificationProposal).values(**values).returning(ClassificationProposal.proposal_id)
    ).scalar_one()
    return [Change("insert", "classification_proposals", str(proposal_id), None, _jsonable(values))]


def decide_proposal(
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
    """Approve or reject a pending proposal, with a comment. Only a risk manager whose subtree covers the
    loan, never the proposer; an approval checks the floor again (DPD may have moved since) and writes the
    override effective on the decision day (the data date unless `today` is given), bringing the loan's
    snapshots up to date. Two deciding at once: the UPDATE is conditional on the status still being
    pending, so the second is told it was already decided."""
    note = (comment or "").strip()

    def write(conn: Connection) -> list[Change]:
        require(actor, "override_approve")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        day = today or decision_day(conn)
        p = ClassificationProposal
        row = conn.execute(select(p).where(p.proposal_id == proposal_id)).mappings().first()
        if row is None:
            raise NotAllowed("cls.err.no_proposal", proposal_id=proposal_id)
        require_loan(conn, actor, row["loan_id"])
        if row["status"] != "pending":
            raise StaleRecord("cls.err.already_decided", proposal_id=proposal_id, status=row["status"])
        errors: dict[str, Message] = {}
        if row["proposed_by"] == actor.staff_id:  # also a CHECK (not_self_approved)
            errors["decision"] = message("cls.err.self_approval")
        if not note:  # also a CHECK (decided_with_comment)
            errors["comment"] = message("work.err.required")
        elif len(note) > MAX_REASON:
            errors["comment"] = message("work.err.too_long", max=MAX_REASON)
        now = loan_class_now(conn, row["loan_id"], day, config) if approve else None
        if approve and (now is None or now.written_off):
            errors["decision"] = message("cls.err.written_off" if now else "ovr.err.inactive", date=day)
        elif now is not None and CLASS_RANK[row["classification"]] < CLASS_RANK[now.floor]:
            errors["decision"] = message(f"cls.err.better_than_floor.{now.floor}", dpd=now.dpd)
        if errors:
            raise FormInvalid(errors)
        status = "approved" if approve else "rejected"
        decided = {
            "status": status,
            "decided_by": actor.staff_id,
            "decided_at": clock.now(),
            "decision_comment": note,
            "effective_on": day if approve else None,
        }
        done = conn.execute(
            update(p).where(p.proposal_id == proposal_id, p.status == "pending").values(**decided)
        )
        if done.rowcount != 1:  # someone decided it between our read and this update
            raise StaleRecord("cls.err.already_decided", proposal_id=proposal_id, status="decided")
        changes = [
            Change(
                "update",
                "classification_proposals",
                str(proposal_id),
                {"status": "pending"},
                _jsonable(decided),
            )
        ]
        if approve:
            changes.append(_apply(conn, row, day))
            # The override moves the loan's class from today on: its current snapshots (and their groups)
            # are brought up to date in this transaction, as for any state change.
            refresh_loans(conn, loans=[row["loan_id"]], affects_from=day)
        return changes

    return save(engine, actor, token, write, state=approve)


def _apply(conn: Connection, proposal: Any, day: date) -> Change:
    """Write the approved class as the override effective `day` (replacing one already effective that day:
    the later decision is the loan's class from then on)."""
    o = ClassificationOverride
    values = {
        "loan_id": proposal["loan_id"],
        "effective_on": day,
        "classification": proposal["classification"],
        "reason": proposal["reason"],
        "staff_id": proposal["proposed_by"],
    }
    key = f"{proposal['loan_id']}:{day.isoformat()}"
    earlier = (
        conn.execute(
            select(o.classification, o.reason, o.staff_id).where(
                o.loan_id == values["loan_id"], o.effective_on == day
            )
        )
        .mappings()
        .first()
    )
    if earlier is None:
        conn.execute(insert(o).values(**values))
        return Change("insert", "classification_overrides", key, None, _jsonable(values))
    conn.execute(update(o).where(o.loan_id == values["loan_id"], o.effective_on == day).values(**values))
    return Change("update", "classification_overrides", key, dict(earlier), _jsonable(values))


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def _risk_signal_of(conn: Connection, inspection_id: str, loan_id: str) -> bool:
    found = conn.execute(
        select(Inspection.inspection_id).where(
            Inspection.inspection_id == inspection_id,
            Inspection.loan_id == loan_id,
            Inspection.risk_signal.is_(True),
        )
    ).first()
    return found is not None


def _pending_of(conn: Connection, loan_id: str) -> int | None:
    p = ClassificationProposal
    return conn.execute(select(p.proposal_id).where(p.loan_id == loan_id, p.status == "pending")).scalar()


def pending_proposals(conn: Connection, actor: Actor, *, as_of: date, config: Config) -> pd.DataFrame:
    """The pending proposals on loans in the actor's scope, oldest first, with the loan's DPD, balance
    (yuan), current (effective) class and the proposed class at as_of."""
    p = ClassificationProposal
    rows = conn.execute(
        select(
            p.proposal_id,
            p.loan_id,
            p.classification,
            p.triggers,
            p.other_trigger,
            p.reason,
            p.inspection_id,
            p.proposed_by,
            Staff.name.label("proposer"),
            p.proposed_at,
        )
        .join(Loan, Loan.loan_id == p.loan_id)
        .outerjoin(Staff, Staff.staff_id == p.proposed_by)
        .where(p.status == "pending", loan_condition(actor))
        .order_by(p.proposed_at, p.proposal_id)
    ).all()
    out = []
    for row in rows:
        now = loan_class_now(conn, row.loan_id, as_of, config)
        out.append(
            {
                "proposal_id": row.proposal_id,
                "loan_id": row.loan_id,
                "dpd": None if now is None else now.dpd,
                "balance": None if now is None else Decimal(now.op_cents) / 100,
                "current_class": None if now is None else now.effective,
                "proposed_class": row.classification,
                "triggers": row.triggers,
                "other_trigger": row.other_trigger,
                "reason": row.reason,
                "inspection_id": row.inspection_id,
                "proposed_by": row.proposed_by,
                "proposer": row.proposer,
                "proposed_at": row.proposed_at,
            }
        )
    return pd.DataFrame(out, columns=PENDING_COLUMNS)


PENDING_COLUMNS = [
    "proposal_id",
    "loan_id",
    "dpd",
    "balance",
    "current_class",
    "proposed_class",
    "triggers",
    "other_trigger",
    "reason",
    "inspection_id",
    "proposed_by",
    "proposer",
    "proposed_at",
]


def classification_history(conn: Connection, loan_id: str) -> pd.DataFrame:
    """Every override of the loan and every proposal, newest first: the class, the status (approved,
    pending, rejected; imported overrides are approved by the core system), who proposed and who decided,
    when, with the reason and the decision's comment. The caller checks the scope."""
    p = ClassificationProposal
    proposer, decider = Staff.__table__.alias("proposer"), Staff.__table__.alias("decider")
    proposals = conn.execute(
        select(
            p.proposed_at,
            p.effective_on,
            p.classification,
            p.status,
            p.triggers,
            p.reason,
            proposer.c.name.label("proposed_by"),
            decider.c.name.label("decided_by"),
            p.decided_at,
            p.decision_comment,
        )
        .outerjoin(proposer, proposer.c.staff_id == p.proposed_by)
        .outerjoin(decider, decider.c.staff_id == p.decided_by)
        .where(p.loan_id == loan_id)
    ).all()
    approved_days = {row.effective_on for row in proposals if row.status == "approved"}
    rows = [dict(row._mapping) for row in proposals]
    o = ClassificationOverride
    for row in conn.execute(
        select(o.effective_on, o.classification, o.reason, Staff.name.label("staff"))
        .outerjoin(Staff, Staff.staff_id == o.staff_id)
        .where(o.loan_id == loan_id)
    ):
        if row.effective_on in approved_days:
            continue  # written by an approval, listed above with who proposed and who approved
        rows.append(
            {
                "proposed_at": None,
                "effective_on": row.effective_on,
                "classification": row.classification,
                "status": "imported",
                "triggers": None,
                "reason": row.reason,
                "proposed_by": row.staff,
                "decided_by": None,
                "decided_at": None,
                "decision_comment": None,
            }
        )
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)

    def when(row: Any) -> Any:
        return (
            row["decided_at"]
            or row["proposed_at"]
            or datetime.combine(row["effective_on"], datetime.min.time())
        )

    if not frame.empty:
        frame = (
            frame.assign(_at=frame.apply(when, axis=1))
            .sort_values("_at", ascending=False)
            .drop(columns="_at")
        )
    return frame.reset_index(drop=True)


HISTORY_COLUMNS = [
    "proposed_at",
    "effective_on",
    "classification",
    "status",
    "triggers",
    "reason",
    "proposed_by",
    "decided_by",
    "decided_at",
    "decision_comment",
]
