"""Classification overrides (DOMAIN rule 12): a risk manager moves a loan to a worse class, with a reason.

The effective class at D is the worse of the DPD class and the latest override on or before D
(dashboard.kpi.state), so an override counts in every figure from its effective date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh_loans
from dashboard.kpi.state import CLASS_RANK, class_name, loan_state
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.saving import Change, Saved, save
from db.models import ClassificationOverride, Loan, Staff
from db.models.enums import CLASSES

MAX_REASON = 2000


def loan_class(conn: Connection, loan_id: str, on: date, config: Config) -> str | None:
    """The loan's effective class on `on`, or None when it is not active then (not yet disbursed, repaid,
    written off) or does not exist."""
    loan = conn.execute(
        select(Loan.officer_id, Loan.product_id, Loan.branch_id).where(Loan.loan_id == loan_id)
    ).first()
    if loan is None:
        return None
    # Narrowed to the loans sharing this one's officer, product and branch: the same state, computed for
    # a handful of loans instead of the whole book.
    scope = Scope(branch_id=loan.branch_id, product_id=loan.product_id, officer_id=loan.officer_id)
    state = loan_state(on, scope, config, conn=conn)
    rank = conn.execute(select(state.c.class_ix).where(state.c.loan_id == loan_id)).scalar()
    return None if rank is None else class_name(rank)


def worse_classes(current: str) -> list[str]:
    """The classes an override may choose when the loan is `current`."""
    return [name for name in CLASSES if CLASS_RANK[name] > CLASS_RANK[current]]


def record_override(
    engine: Engine,
    actor: Actor,
    loan_id: str,
    effective_on: date | None,
    classification: str | None,
    reason: str | None,
    token: str | None,
    config: Config,
    today: date | None = None,
) -> Saved:
    """Save an override of a loan's class from effective_on. Refused unless the class is worse than the
    loan's effective class on that day (rule 12: never better than DPD allows, never a move back)."""
    day = today or clock.today()
    loan_id = (loan_id or "").strip()
    note = (reason or "").strip()

    def write(conn: Connection) -> list[Change]:
        require(actor, "override")
        if not actor.staff_id:
            raise NotAllowed("ovr.err.no_staff")
        require_loan(conn, actor, loan_id)
        errors: dict[str, Message] = {}
        if not note:  # also a CHECK in the schema (reason_required)
            errors["reason"] = message("work.err.required")
        elif len(note) > MAX_REASON:
            errors["reason"] = message("work.err.too_long", max=MAX_REASON)
        if classification not in CLASSES:  # also a CHECK (classification IN ...)
            errors["classification"] = message("ovr.err.unknown_class")
        date_problem = _date_problem(conn, loan_id, effective_on, day)
        if date_problem:
            errors["effective_on"] = date_problem
        elif classification in CLASSES:
            assert effective_on is not None
            # "Worse than the current class" depends on schedule, repayments and other overrides: no
            # row-level CHECK can say it, so it is checked here, inside the saving transaction.
            current = loan_class(conn, loan_id, effective_on, config)
            if current is None:
                errors["effective_on"] = message("ovr.err.inactive", date=effective_on)
            elif CLASS_RANK[classification] <= CLASS_RANK[current]:
                errors["classification"] = message(f"ovr.err.not_worse.{current}", date=effective_on)
        if errors:
            raise FormInvalid(errors)
        values = {
            "loan_id": loan_id,
            "effective_on": effective_on,
            "classification": classification,
            "reason": note,
            "staff_id": actor.staff_id,
        }
        conn.execute(insert(ClassificationOverride).values(**values))
        # The override moves the loan's class from effective_on on: its snapshot rows from then are
        # rebuilt here, so the month-end trends stay read from snapshots.
        refresh_loans(conn, loans=[loan_id], affects_from=effective_on)
        key = f"{loan_id}:{effective_on.isoformat()}"  # type: ignore[union-attr]
        return [Change("insert", "classification_overrides", key, None, values)]

    return save(engine, actor, token, write, state=True)


def _date_problem(conn: Connection, loan_id: str, effective_on: date | None, today: date) -> Message | None:
    if effective_on is None:
        return message("work.err.required")
    if effective_on > today:
        return message("work.err.future_date", value=effective_on)
    disbursed_on = conn.execute(select(Loan.disbursed_on).where(Loan.loan_id == loan_id)).scalar_one()
    if effective_on < disbursed_on:
        return message("work.err.before", value=effective_on, other=disbursed_on)
    # One override per loan and day is the table's primary key; say so before the insert trips on it.
    taken = conn.execute(
        select(ClassificationOverride.loan_id).where(
            ClassificationOverride.loan_id == loan_id, ClassificationOverride.effective_on == effective_on
        )
    ).first()
    if taken:
        return message("ovr.err.exists", date=effective_on)
    return None


def loan_overrides(conn: Connection, loan_id: str) -> pd.DataFrame:
    """The overrides of one loan, newest first, with who made them. The caller checks the scope."""
    rows = conn.execute(
        select(
            ClassificationOverride.effective_on,
            ClassificationOverride.classification,
            ClassificationOverride.reason,
            Staff.name.label("staff"),
        )
        .outerjoin(Staff, Staff.staff_id == ClassificationOverride.staff_id)
        .where(ClassificationOverride.loan_id == loan_id)
        .order_by(ClassificationOverride.effective_on.desc())
    ).all()
    return pd.DataFrame(rows, columns=["effective_on", "classification", "reason", "staff"])
