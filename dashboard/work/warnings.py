"""Early warnings (预警, issue 17; seed 002 Art. 47, seed 001 风险预警机制, seed 003 warning signals).

A signal opens one warning per loan: from outside (signals.csv) or from the lender's own records (the
first overdue of a loan never late before, a second broken promise to pay, an inspection with a risk signal
or funds used against the contract, a major issue). Each warning goes to the loan's officer with a response
deadline in working days per kind (dashboard.config, dashboard.workdays). The officer verifies it (on site or
by phone) and decides: no risk, watch, propose a downgrade (a classification proposal, dashboard.work.
overrides), propose early recall (提前收回, the rule for misused funds) or propose exit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, exists, func, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.config import Config, config_from
from dashboard.work.access import loan_in_scope, require
from dashboard.work.errors import FormInvalid, Message, NotAllowed, StaleRecord, WorkError, message
from dashboard.work.overrides import proposal_changes
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import MAX_TEXT, clean
from dashboard.workdays import add_workdays
from db.models import (
    CollectionAction,
    EarlyWarning,
    Inspection,
    Issue,
    Loan,
    Repayment,
    ScheduleItem,
    Signal,
    Staff,
)
from db.models.enums import WARNING_DISPOSITIONS, WARNING_VERIFICATIONS
from db.sqlfuncs import as_date

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
CENT = 0.005  # a remainder under half a cent is paid (DOMAIN section 4)
# The classification trigger (DOMAIN rule 12) a downgrade proposed from a warning of this kind names.
TRIGGERS = {
    "funds_misused": "funds_misused",
    "business_closed": "business_stopped",
    "guarantor_problem": "guarantor_incapable",
    "collateral_problem": "collateral_lost_value",
    "overdue_elsewhere": "overdue_elsewhere",
}
LIST_COLUMNS = [
    "warning_id",
    "loan_id",
    "kind",
    "observed_on",
    "respond_by",
    "overdue",
    "officer_id",
    "officer",
    "detail",
    "verification",
    "verified_on",
    "disposition",
    "responded_on",
    "proposal_id",
    "version",
]


@dataclass(frozen=True)
class Found:
    """A signal as the scan finds it, before it is a warning."""

    source_key: str
    loan_id: str
    kind: str
    observed_on: date
    signal_id: str | None = None
    detail: str | None = None


# --- opening -------------------------------------------------------------------------------------------


def open_warnings(
    conn: Connection,
    *,
    as_of: date,
    config: Config | None = None,
    signal_ids: Iterable[str] | None = None,
) -> int:
    """Open a warning for every signal found up to as_of that has none yet; returns how many were opened.

    Internal signals count when seen within config.warning_lookback_days before as_of (older ones are
    history, not news); outside signals whenever observed by as_of. `signal_ids`: only these outside
    signals and no internal ones (what an import of signals.csv opens)."""
    config = config or config_from(conn)
    since = as_of - timedelta(days=config.warning_lookback_days)
    found = _outside(conn, as_of, signal_ids)
    if signal_ids is None:
        found += _first_overdue(conn, since, as_of)
        found += _second_broken_promise(conn, since, as_of)
        found += _inspections(conn, since, as_of)
        found += _major_issues(conn, since, as_of)
    if not found:
        return 0
    officers = _officers(conn, {f.loan_id for f in found})
    deadlines: dict[tuple[date, int], date] = {}
    now = clock.now()
    rows = []
    for f in found:
        days = config.warning_days(f.kind)
        if (f.observed_on, days) not in deadlines:
            deadlines[(f.observed_on, days)] = add_workdays(conn, f.observed_on, days).day
        rows.append(
            {
                "source_key": f.source_key,
                "loan_id": f.loan_id,
                "kind": f.kind,
                "observed_on": f.observed_on,
                "respond_by": deadlines[(f.observed_on, days)],
                "officer_id": officers[f.loan_id],
                "signal_id": f.signal_id,
                "detail": (f.detail or "")[:MAX_TEXT] or None,
                "opened_at": now,
            }
        )
    before = conn.execute(select(func.count()).select_from(EarlyWarning)).scalar_one()
    statement = _INSERTS[conn.dialect.name](EarlyWarning).on_conflict_do_nothing(
        index_elements=["source_key"]
    )
    conn.execute(statement, rows)
    return conn.execute(select(func.count()).select_from(EarlyWarning)).scalar_one() - before


def _officers(conn: Connection, loan_ids: set[str]) -> dict[str, str]:
    return dict(
        conn.execute(select(Loan.loan_id, Loan.officer_id).where(Loan.loan_id.in_(sorted(loan_ids)))).all()
    )


def _outside(conn: Connection, as_of: date, signal_ids: Iterable[str] | None) -> list[Found]:
    """signals.csv: a loan's signal is the loan's; a customer's is each of their loans outstanding then."""
    chosen = Signal.observed_on <= as_of
    if signal_ids is not None:
        chosen = and_(chosen, Signal.signal_id.in_(sorted(set(signal_ids))))
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == Loan.loan_id, Repayment.paid_on <= Signal.observed_on)
        .scalar_subquery()
    )
    own = select(Signal.signal_id, Signal.loan_id, Signal.kind, Signal.observed_on, Signal.notes).where(
        chosen, Signal.loan_id.is_not(None)
    )
    customers = (
        select(Signal.signal_id, Loan.loan_id, Signal.kind, Signal.observed_on, Signal.notes)
        .join(Loan, Loan.customer_id == Signal.customer_id)
        .where(
            chosen,
            Signal.loan_id.is_(None),
            Loan.disbursed_on <= Signal.observed_on,
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > Signal.observed_on),
            Loan.principal - repaid > CENT,
        )
    )
    return [
        Found(f"signal:{signal_id}:{loan_id}", loan_id, kind, observed_on, signal_id, notes)
        for query in (own, customers)
        for signal_id, loan_id, kind, observed_on, notes in conn.execute(query)
    ]


def _late(item: Any) -> Any:
    """The instalment was not paid in full by its due date: the loan was overdue the day after."""
    paid = (
        select(func.coalesce(func.sum(Repayment.principal_paid + Repayment.interest_paid), 0))
        .where(
            Repayment.loan_id == item.loan_id,
            Repayment.instalment_no == item.instalment_no,
            Repayment.paid_on <= item.due_on,
        )
        .scalar_subquery()
    )
    return item.principal_due + item.interest_due - paid > CENT


def _first_overdue(conn: Connection, since: date, as_of: date) -> list[Found]:
    """A loan overdue for the first time: an instalment unpaid on its due date, seen the day after (within
    [since, as_of]), with no earlier instalment ever unpaid on its own due date."""
    earlier = aliased(ScheduleItem)
    rows = conn.execute(
        select(ScheduleItem.loan_id, func.min(ScheduleItem.due_on))
        .join(Loan, Loan.loan_id == ScheduleItem.loan_id)
        .where(
            ScheduleItem.due_on >= since - timedelta(days=1),
            ScheduleItem.due_on < as_of,
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > ScheduleItem.due_on),
            _late(ScheduleItem),
            ~exists().where(
                earlier.loan_id == ScheduleItem.loan_id, earlier.due_on < ScheduleItem.due_on, _late(earlier)
            ),
        )
        .group_by(ScheduleItem.loan_id)
    ).all()
    return [
        Found(f"first_overdue:{loan_id}", loan_id, "first_overdue", _day(due) + timedelta(days=1))
        for loan_id, due in rows
    ]


def _broken(conn: Connection, loan_ids: list[str], as_of: date) -> list[tuple[str, str, date]]:
    """(loan, action, promised day) of every promise to pay of these loans that fell due before as_of and
    was not met by the loan's repayments from the promise to the promised day, in order."""
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid + Repayment.interest_paid), 0))
        .where(
            Repayment.loan_id == CollectionAction.loan_id,
            Repayment.paid_on >= as_date(CollectionAction.acted_at),
            Repayment.paid_on <= CollectionAction.ptp_on,
        )
        .scalar_subquery()
    )
    return [
        (loan_id, action_id, _day(ptp_on))
        for loan_id, action_id, ptp_on in conn.execute(
            select(CollectionAction.loan_id, CollectionAction.action_id, CollectionAction.ptp_on)
            .where(
                CollectionAction.loan_id.in_(loan_ids),
                CollectionAction.ptp_on.is_not(None),
                CollectionAction.ptp_on < as_of,
                CollectionAction.ptp_amount - repaid > CENT,
            )
            .order_by(CollectionAction.loan_id, CollectionAction.ptp_on, CollectionAction.action_id)
        )
    ]


def _second_broken_promise(conn: Connection, since: date, as_of: date) -> list[Found]:
    """The second promise to pay a loan has broken, seen the day after its promised day."""
    candidates = conn.execute(
        select(CollectionAction.loan_id)
        .where(CollectionAction.ptp_on >= since - timedelta(days=1), CollectionAction.ptp_on < as_of)
        .distinct()
    ).scalars()
    loans = sorted(candidates)
    if not loans:
        return []
    seen: dict[str, int] = {}
    out = []
    for loan_id, action_id, ptp_on in _broken(conn, loans, as_of):
        seen[loan_id] = seen.get(loan_id, 0) + 1
        observed = ptp_on + timedelta(days=1)
        if seen[loan_id] == 2 and since <= observed <= as_of:
            out.append(
                Found(f"broken_promise:{loan_id}", loan_id, "broken_promise", observed, detail=action_id)
            )
    return out


def _inspections(conn: Connection, since: date, as_of: date) -> list[Found]:
    """An inspection that found funds used against the contract, or raised a risk signal."""
    rows = conn.execute(
        select(
            Inspection.inspection_id,
            Inspection.loan_id,
            Inspection.done_on,
            Inspection.funds_use_ok,
            Inspection.notes,
        )
        .where(
            Inspection.done_on.between(since, as_of),
            or_(Inspection.risk_signal.is_(True), Inspection.funds_use_ok.is_(False)),
        )
        .order_by(Inspection.inspection_id)
    ).all()
    return [
        Found(
            f"inspection:{inspection_id}",
            loan_id,
            "inspection_risk" if funds_ok else "funds_misused",
            _day(done_on),
            detail=notes,
        )
        for inspection_id, loan_id, done_on, funds_ok, notes in rows
    ]


def _major_issues(conn: Connection, since: date, as_of: date) -> list[Found]:
    rows = conn.execute(
        select(Issue.issue_id, Issue.loan_id, Issue.raised_on, Issue.description).where(
            Issue.severity == "major", Issue.raised_on.between(since, as_of)
        )
    ).all()
    return [
        Found(f"issue:{i}", loan_id, "major_issue", _day(raised), detail=text)
        for i, loan_id, raised, text in rows
    ]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- responding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    verification: str | None
    verified_on: date | None
    notes: str | None
    disposition: str | None = None
    proposed_class: str | None = None  # for a downgrade


def respond(
    engine: Engine,
    actor: Actor,
    warning_id: int,
    version: int,
    response: Response,
    token: str | None,
    config: Config,
    today: date | None = None,
) -> Saved:
    """Record the verification of a warning and, with it or later, the disposition. A disposition without a
    verification, or a response by someone whose scope does not cover the loan, is refused at the field;
    a downgrade goes into the classification workflow as a proposal in the same transaction."""
    day = today or clock.today()
    notes = clean(response.notes)

    def write(conn: Connection) -> list[Change]:
        require(actor, "warning")
        row = (
            conn.execute(select(EarlyWarning).where(EarlyWarning.warning_id == warning_id)).mappings().first()
        )
        if row is None:
            raise NotAllowed("warn.err.not_found", warning_id=warning_id)
        if not actor.staff_id or not loan_in_scope(conn, actor, row["loan_id"]):
            raise FormInvalid({"warning_id": message("warn.err.not_officer")})
        if row["version"] != version:
            raise StaleRecord("work.err.stale")
        if row["disposition"] is not None:
            raise WorkError("warn.err.answered", warning_id=warning_id)
        errors: dict[str, Message] = {}
        values: dict[str, Any] = {}
        verified = row["verification"] is not None
        # The form always sends a date: a method or findings say a verification was meant.
        attempted = response.verification is not None or bool(notes)
        if attempted:
            problem = _verification_problem(response, notes, row["observed_on"], day)
            if problem:
                errors.update(problem)
            else:
                values |= {
                    "verification": response.verification,
                    "verified_on": response.verified_on,
                    "verification_notes": notes,
                }
                verified = True
        if response.disposition is not None:
            if response.disposition not in WARNING_DISPOSITIONS:
                errors["disposition"] = message("visit.err.unknown")
            elif not verified and not attempted:  # a verification given with a mistake is shown at its field
                errors["disposition"] = message("warn.err.verify_first")
            elif response.disposition == "propose_downgrade" and not response.proposed_class:
                errors["proposed_class"] = message("warn.err.class_needed")
        elif not values:
            errors["verification"] = message("work.err.required")
        if errors:
            raise FormInvalid(errors)
        changes: list[Change] = []
        if response.disposition is not None:
            values |= {
                "disposition": response.disposition,
                "responded_on": day,
                "responded_by": actor.staff_id,
            }
        if response.disposition == "propose_downgrade":
            kind = row["kind"]
            trigger = TRIGGERS.get(kind, "other")
            reason = f"warning {warning_id} ({kind}): {notes or row['verification_notes'] or ''}".strip()
            changes = proposal_changes(
                conn,
                actor,
                row["loan_id"],
                response.proposed_class,
                reason,
                [trigger],
                kind if trigger == "other" else None,
                config,
            )
            values["proposal_id"] = int(changes[0].record_key)
        done = conn.execute(
            update(EarlyWarning)
            .where(EarlyWarning.warning_id == warning_id, EarlyWarning.version == version)
            .values(**values, version=EarlyWarning.version + 1)
        )
        if done.rowcount != 1:
            raise StaleRecord("work.err.stale")
        before = {key: row[key] for key in values} | {"version": version}
        return [
            Change("respond", "warnings", str(warning_id), before, values | {"version": version + 1}),
            *changes,
        ]

    return save(engine, actor, token, write)


def _verification_problem(
    response: Response, notes: str, observed_on: date, today: date
) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    if response.verification not in WARNING_VERIFICATIONS:
        errors["verification"] = message(
            "work.err.required" if not response.verification else "visit.err.unknown"
        )
    if response.verified_on is None:
        errors["verified_on"] = message("work.err.required")
    elif response.verified_on > today:
        errors["verified_on"] = message("work.err.future_date", value=response.verified_on)
    elif response.verified_on < observed_on:
        errors["verified_on"] = message("work.err.before", value=response.verified_on, other=observed_on)
    if not notes:
        errors["verification_notes"] = message("work.err.required")
    elif len(notes) > MAX_TEXT:
        errors["verification_notes"] = message("work.err.too_long", max=MAX_TEXT)
    return errors


# --- reading -------------------------------------------------------------------------------------------


def warning_list(
    conn: Connection, actor: Actor, as_of: date, *, state: str = "open", limit: int = 5000
) -> pd.DataFrame:
    """The warnings of loans in the actor's scope observed by as_of (an officer's: their loans), overdue
    responses first (no disposition and past respond_by), then by deadline, the oldest first.
    state: "open" (no disposition yet) or "all"."""
    answered = and_(EarlyWarning.responded_on.is_not(None), EarlyWarning.responded_on <= as_of)
    overdue = and_(not_(answered), EarlyWarning.respond_by < as_of)
    query = (
        select(
            EarlyWarning.warning_id,
            EarlyWarning.loan_id,
            EarlyWarning.kind,
            EarlyWarning.observed_on,
            EarlyWarning.respond_by,
            case((overdue, 1), else_=0),
            EarlyWarning.officer_id,
            Staff.name,
            EarlyWarning.detail,
            EarlyWarning.verification,
            EarlyWarning.verified_on,
            EarlyWarning.disposition,
            EarlyWarning.responded_on,
            EarlyWarning.proposal_id,
            EarlyWarning.version,
        )
        .join(Loan, Loan.loan_id == EarlyWarning.loan_id)
        .outerjoin(Staff, Staff.staff_id == EarlyWarning.officer_id)
        .where(EarlyWarning.observed_on <= as_of, loan_condition(actor, as_of))
        .order_by(case((overdue, 0), else_=1), EarlyWarning.respond_by, EarlyWarning.warning_id)
        .limit(limit)
    )
    if state == "open":
        query = query.where(not_(answered))
    frame = pd.DataFrame(conn.execute(query).all(), columns=LIST_COLUMNS)
    frame["overdue"] = frame["overdue"].astype(bool)
    return frame


def warning_detail(conn: Connection, actor: Actor, warning_id: int) -> Mapping[str, Any] | None:
    """One warning, or None when it does not exist or lies outside the actor's scope."""
    return (
        conn.execute(
            select(EarlyWarning)
            .join(Loan, Loan.loan_id == EarlyWarning.loan_id)
            .where(EarlyWarning.warning_id == warning_id, loan_condition(actor))
        )
        .mappings()
        .first()
    )
