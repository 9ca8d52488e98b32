"""Legal cases (issue 18; seed 002 Art. 49(6): over 90 DPD or doubtful, legal action in principle): open a
case on a loan, update it, move it through its stages. Every stage a case enters is a row of its timeline
(legal_case_stages); a move back to an earlier stage needs a reason, and recovered above awarded a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.actor import Actor
from dashboard.work.access import require, require_loan
from dashboard.work.collection import parse_amount
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import clean, new_id, text_problem
from db.models import Agency, LegalCase, LegalCaseStage
from db.models.enums import LEGAL_STAGES

STAGE_RANK = {stage: rank for rank, stage in enumerate(LEGAL_STAGES)}
AMOUNTS = ("claimed", "awarded", "recovered", "costs")
MAX_SHORT = 200


@dataclass(frozen=True)
class CaseForm:
    """What the form sends. case_id None opens a new case; `reason` explains a stage change (required when
    the stage goes back) and is kept in the timeline. Amounts may be the text typed into the form."""

    loan_id: str
    stage: str | None
    case_id: str | None = None
    filed_on: date | None = None
    court: str | None = None
    case_number: str | None = None
    claimed: Decimal | str | None = None
    awarded: Decimal | str | None = None
    recovered: Decimal | str | None = None
    costs: Decimal | str | None = None
    lawyer: str | None = None
    agency_id: str | None = None
    next_hearing_on: date | None = None
    note: str | None = None
    reason: str | None = None


def stage_goes_back(before: str | None, after: str) -> bool:
    return before is not None and STAGE_RANK[after] < STAGE_RANK[before]


def _amount(value: Decimal | str | None) -> tuple[Decimal | None, Message | None]:
    """An amount of the case: as a promise's amount (dashboard.work.collection), but 0 is allowed."""
    amount, problem = parse_amount(value)
    if problem and problem[0] == "action.err.amount_positive":
        zero = Decimal(str(value).strip().replace(",", ""))
        return (zero, None) if zero == 0 else (None, message("legal.err.amount"))
    return amount, problem


def _problems(
    conn: Connection, form: CaseForm, before: dict[str, Any] | None, today: date, amounts: dict[str, Any]
) -> dict[str, Message]:
    """What is wrong with the form, by field; `amounts` is filled with the parsed amounts. Each is also a
    CHECK of legal_cases or legal_case_stages, except the dates against today."""
    errors: dict[str, Message] = {}
    if form.stage not in LEGAL_STAGES:
        errors["stage"] = message("work.err.required" if not form.stage else "legal.err.stage")
    elif form.stage != "preparing" and form.filed_on is None:
        errors["filed_on"] = message("legal.err.filed_on")
    if form.filed_on is not None and form.filed_on > today:
        errors["filed_on"] = message("work.err.future_date", value=form.filed_on)
    if form.next_hearing_on and form.filed_on and form.next_hearing_on < form.filed_on:
        errors["next_hearing_on"] = message(
            "work.err.before", value=form.next_hearing_on, other=form.filed_on
        )
    for name in AMOUNTS:
        amounts[name], problem = _amount(getattr(form, name))
        if problem:
            errors[name] = problem
    note, reason = clean(form.note), clean(form.reason)
    awarded, recovered = amounts["awarded"], amounts["recovered"] or Decimal(0)
    if "recovered" not in errors and awarded is not None and recovered > awarded and not note:
        errors["note"] = message("legal.err.above_awarded", recovered=recovered, awarded=awarded)
    if (
        before is not None
        and form.stage in LEGAL_STAGES
        and not reason
        and stage_goes_back(before["stage"], form.stage)
    ):
        errors["reason"] = message("legal.err.backwards", before=before["stage"], after=form.stage)
    for name, text in (("note", note), ("reason", reason)):
        problem = text_problem(text, required=False)
        if problem and name not in errors:
            errors[name] = problem
    for name in ("court", "case_number", "lawyer"):
        if len(clean(getattr(form, name))) > MAX_SHORT:
            errors[name] = message("work.err.too_long", max=MAX_SHORT)
    if (
        form.agency_id
        and conn.execute(select(Agency.agency_id).where(Agency.agency_id == form.agency_id)).first() is None
    ):
        errors["agency_id"] = message("legal.err.agency", agency_id=form.agency_id)
    return errors


def save_case(
    engine: Engine, actor: Actor, form: CaseForm, token: str | None, *, today: date | None = None
) -> Saved:
    """Open a case (case_id None) or update one; a new stage adds a timeline row dated today."""
    day = today or clock.today()

    def write(conn: Connection) -> list[Change]:
        return case_changes(conn, actor, form, day)

    return save(engine, actor, token, write)


def case_changes(
    conn: Connection,
    actor: Actor,
    form: CaseForm,
    day: date,
    *,
    open_as: str | None = None,
    write: bool = True,
) -> list[Change]:
    """The form's checks and writes in the caller's transaction (the form's save, a row of an upload):
    raises NotAllowed or FormInvalid before writing anything. A form without case_id opens a case, named
    open_as when given (an uploaded file's own id); `write=False` only checks."""
    require(actor, "legal_case")
    require_loan(conn, actor, form.loan_id)
    before = None
    if form.case_id is not None:
        row = (
            conn.execute(select(*LegalCase.__table__.columns).where(LegalCase.case_id == form.case_id))
            .mappings()
            .first()
        )
        if row is None or row["loan_id"] != form.loan_id:
            raise NotAllowed("legal.err.no_case", case_id=form.case_id)
        before = dict(row)
    amounts: dict[str, Decimal | None] = {}
    errors = _problems(conn, form, before, day, amounts)
    if errors:
        raise FormInvalid(errors)
    if not write:
        return []
    case_id = form.case_id or open_as or new_id("LC")
    values = {
        "loan_id": form.loan_id,
        "filed_on": form.filed_on,
        "court": clean(form.court) or None,
        "case_number": clean(form.case_number) or None,
        "stage": form.stage,
        "claimed": amounts["claimed"] or Decimal(0),
        "awarded": amounts["awarded"],
        "recovered": amounts["recovered"] or Decimal(0),
        "costs": amounts["costs"] or Decimal(0),
        "lawyer": clean(form.lawyer) or None,
        "agency_id": form.agency_id or None,
        "next_hearing_on": form.next_hearing_on,
        "note": clean(form.note) or None,
    }
    changes: list[Change] = []
    if before is None:
        conn.execute(insert(LegalCase).values(case_id=case_id, **values))
        changes.append(Change("insert", "legal_cases", case_id, None, _jsonable(values)))
    else:
        conn.execute(update(LegalCase).where(LegalCase.case_id == case_id).values(**values))
        old = {k: before[k] for k in values}
        changes.append(Change("update", "legal_cases", case_id, _jsonable(old), _jsonable(values)))
    if before is None or before["stage"] != form.stage:
        stage = {
            "case_id": case_id,
            "changed_on": day,
            "from_stage": None if before is None else before["stage"],
            "to_stage": form.stage,
            "reason": clean(form.reason) or None,
            "username": actor.username,
        }
        change_id = conn.execute(
            insert(LegalCaseStage).values(**stage).returning(LegalCaseStage.change_id)
        ).scalar_one()
        changes.append(Change("insert", "legal_case_stages", str(change_id), None, _jsonable(stage)))
    return changes


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def loan_cases(conn: Connection, loan_id: str) -> pd.DataFrame:
    """The cases of one loan, open ones first. The caller checks the scope."""
    c = LegalCase
    rows = conn.execute(
        select(*c.__table__.columns)
        .where(c.loan_id == loan_id)
        .order_by((c.stage == "closed").asc(), c.case_id)
    ).mappings()
    columns = [col.name for col in c.__table__.columns]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def case_timeline(conn: Connection, case_id: str) -> pd.DataFrame:
    """The stages a case went through, oldest first, with who moved it and why. The caller checks the
    scope."""
    s = LegalCaseStage
    rows = conn.execute(
        select(s.changed_on, s.from_stage, s.to_stage, s.reason, s.username)
        .where(s.case_id == case_id)
        .order_by(s.changed_on, s.change_id)
    ).all()
    return pd.DataFrame(rows, columns=["changed_on", "from_stage", "to_stage", "reason", "username"])
