"""Post-loan inspections (贷后检查, DOMAIN rule 6) and the classification overrides their risk signals
propose.

The inspector is the signed-in user. The checklist is rule 6: use of funds as contracted; changes in the
borrower's assets, job, income, family and health; illegal acts or disputes; guarantor and collateral; and,
for business loans only, operations and finances.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, exists, insert, select

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.config import Config, config_from
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import class_name, loan_state
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, message
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import (
    IssueFound,
    clean,
    insert_issues,
    issue_problems,
    loan_date_problem,
    new_id,
    require_staff,
    text_problem,
)
from db.models import ClassificationOverride, Inspection, Loan, Product, Staff
from db.models.enums import INSPECTION_KINDS, INSPECTION_METHODS

# Boxes ticked when something is wrong; any of them needs the findings written down.
CHANGED = ("assets_changed", "job_changed", "income_changed", "family_changed", "health_changed")
BAD_WHEN_TICKED = (*CHANGED, "illegal_or_dispute")
# Boxes ticked when all is well; unticked they need the findings written down.
OK_WHEN_TICKED = ("funds_use_ok", "guarantor_collateral_ok", "business_ok")
# The form asks every item as a problem found, all boxes starting unticked: a box for each OK item says the
# opposite ("funds not used as contracted"), so a save with nothing ticked records every item checked and in
# order, never a misuse of funds (which opens an early warning, DOMAIN rule 14).
PROBLEM_BOX = {
    "funds_use_ok": "funds_misused",
    "guarantor_collateral_ok": "guarantor_collateral_weak",
    "business_ok": "business_troubled",
}


def ok_from_problem(ticked: bool | None) -> bool | None:
    """The stored OK value of an item the form asks as a problem box; None (not asked) stays None."""
    return None if ticked is None else not ticked


PROPOSAL_COLUMNS = ["loan_id", "done_on", "inspector", "findings", "inspection_id", "current_class"]


@dataclass(frozen=True)
class InspectionForm:
    loan_id: str
    kind: str | None
    method: str | None
    done_on: date | None
    funds_use_ok: bool = True
    assets_changed: bool = False
    job_changed: bool = False
    income_changed: bool = False
    family_changed: bool = False
    health_changed: bool = False
    illegal_or_dispute: bool = False
    guarantor_collateral_ok: bool = True
    business_ok: bool | None = None  # asked for business loans only; stored NULL for the others
    findings: str | None = None
    risk_signal: bool = False
    # Issues found on the inspection (issue 17), handled like a visit's (rule 8).
    issues: list[IssueFound] = field(default_factory=list)


def is_business_loan(conn: Connection, loan_id: str) -> bool:
    category = conn.execute(
        select(Product.category)
        .join(Loan, Loan.product_id == Product.product_id)
        .where(Loan.loan_id == loan_id)
    ).scalar()
    return category == "business"


def _needs_findings(form: InspectionForm) -> bool:
    bad = any(getattr(form, name) for name in BAD_WHEN_TICKED)
    not_ok = any(getattr(form, name) is False for name in OK_WHEN_TICKED)
    return form.risk_signal or bad or not_ok


def _problems(conn: Connection, form: InspectionForm, today: date) -> dict[str, Message]:
    # Enumerations are also CHECKs in the schema. The dates (today, disbursement), the business-only box
    # (the product's category) and "findings required" are checked here, in the saving transaction.
    errors: dict[str, Message] = {}
    if form.kind not in INSPECTION_KINDS:
        errors["kind"] = message("work.err.required" if not form.kind else "insp.err.unknown")
    if form.method not in INSPECTION_METHODS:
        errors["method"] = message("work.err.required" if not form.method else "insp.err.unknown")
    done = loan_date_problem(conn, form.loan_id, form.done_on, today)
    if done:
        errors["done_on"] = done
    for name in (*OK_WHEN_TICKED[:2], *BAD_WHEN_TICKED):
        if getattr(form, name) is None:
            errors[name] = message("work.err.required")
    if form.business_ok is None and is_business_loan(conn, form.loan_id):
        errors["business_ok"] = message("work.err.required")
    findings = clean(form.findings)
    if not findings and _needs_findings(form):
        errors["findings"] = message("insp.err.findings_required")
    else:
        problem = text_problem(findings, required=False)
        if problem:
            errors["findings"] = problem
    return errors | issue_problems(form.issues)


def record_inspection(
    engine: Engine, actor: Actor, form: InspectionForm, token: str | None, today: date | None = None
) -> Saved:
    """Save an inspection by the signed-in user. Findings go to `notes`; they are required when a risk
    signal is raised or the checklist finds anything wrong. All field problems are reported at once."""
    day = today or clock.today()
    loan_id = clean(form.loan_id)

    def write(conn: Connection) -> list[Change]:
        require(actor, "inspection")
        staff_id = require_staff(actor)
        if not loan_id:
            raise FormInvalid({"loan_id": message("work.err.required")})
        require_loan(conn, actor, loan_id)
        business = is_business_loan(conn, loan_id)
        checked = replace(form, loan_id=loan_id, business_ok=form.business_ok if business else None)
        errors = _problems(conn, checked, day)
        if errors:
            raise FormInvalid(errors)
        inspection_id = new_id("I")
        values: dict[str, Any] = {
            "inspection_id": inspection_id,
            "loan_id": loan_id,
            "kind": checked.kind,
            "method": checked.method,
            "done_on": checked.done_on,
            "staff_id": staff_id,
            "notes": clean(checked.findings) or None,
        } | {
            f.name: getattr(checked, f.name)
            for f in fields(InspectionForm)
            if f.name in (*OK_WHEN_TICKED, *BAD_WHEN_TICKED, "risk_signal")
        }
        conn.execute(insert(Inspection).values(**values))
        changes = [Change("insert", "inspections", inspection_id, None, values)]
        assert checked.done_on is not None  # checked above
        return changes + insert_issues(
            conn, checked.issues, loan_id, checked.done_on, staff_id, inspection_id=inspection_id
        )

    return save(engine, actor, token, write)


def _config(conn: Connection) -> Config:
    """The configuration as dashboard.config.load_config reads it, through this connection."""
    return config_from(conn)


def proposed_overrides(
    conn: Connection, actor: Actor, as_of: date, *, config: Config | None = None
) -> pd.DataFrame:
    """Inspections done by as_of that raised a risk signal on a loan in the actor's scope, where no
    classification override took effect from the inspection date to as_of: each proposes that a risk
    manager override the loan's class. Newest first; current_class is the loan's effective class at
    as_of (None when it is no longer active)."""
    answered = exists().where(
        ClassificationOverride.loan_id == Inspection.loan_id,
        ClassificationOverride.effective_on >= Inspection.done_on,
        ClassificationOverride.effective_on <= as_of,
    )
    rows = conn.execute(
        select(Inspection.loan_id, Inspection.done_on, Staff.name, Inspection.notes, Inspection.inspection_id)
        .join(Loan, Loan.loan_id == Inspection.loan_id)
        .outerjoin(Staff, Staff.staff_id == Inspection.staff_id)
        .where(
            Inspection.risk_signal.is_(True),
            Inspection.done_on <= as_of,
            ~answered,
            loan_condition(actor, as_of),
        )
        .order_by(Inspection.done_on.desc(), Inspection.loan_id, Inspection.inspection_id)
    ).all()
    frame = pd.DataFrame(rows, columns=PROPOSAL_COLUMNS[:-1])
    classes: dict[str, str] = {}
    if rows:
        state = loan_state(as_of, Scope(), config or _config(conn), active_only=False, conn=conn)
        wanted = sorted({row.loan_id for row in rows})
        classes = {
            loan_id: class_name(ix)
            for loan_id, ix in conn.execute(
                select(state.c.loan_id, state.c.class_ix).where(
                    state.c.loan_id.in_(wanted), state.c.active == 1
                )
            )
        }
    frame["current_class"] = [classes.get(x) for x in frame["loan_id"]]
    return frame
