"""Visit records (回访记录, DOMAIN rule 7) with the issues found on the visit (rule 8).

The visitor is the signed-in user. A visit and its issues are saved in one transaction, with one audit row
for each record written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.access import loan_in_scope, require, require_loan
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.photos import PhotoUpload, check_photos, insert_photos
from dashboard.work.saving import Change, Saved, save
from db.models import Issue, Loan, Visit
from db.models.enums import SEVERITIES, VISIT_METHODS, VISIT_STAGES

MAX_TEXT = 2000
MAX_ISSUES = 5  # what the form offers; the service takes any number
# No work is recorded before this day: an earlier date (1900, a year typed short) is a typo.
EARLIEST_WORK = date(2000, 1, 1)


@dataclass(frozen=True)
class IssueFound:
    severity: str | None
    description: str | None


@dataclass(frozen=True)
class VisitForm:
    loan_id: str
    visited_on: date | None
    method: str | None
    stage: str | None
    content: str | None
    feedback: str | None = None
    satisfaction: int | None = None
    next_follow_up_on: date | None = None
    issues: list[IssueFound] = field(default_factory=list)
    photos: tuple[PhotoUpload, ...] = ()  # evidence of an in-person visit, saved with it


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid4().hex[:16]}"


def clean(text: str | None) -> str:
    return (text or "").strip()


def text_problem(text: str, *, required: bool) -> Message | None:
    if not text:
        return message("work.err.required") if required else None
    if len(text) > MAX_TEXT:
        return message("work.err.too_long", max=MAX_TEXT)
    return None


def loan_date_problem(conn: Connection, loan_id: str, value: date | None, today: date) -> Message | None:
    """A work date must be known, not in the future and not before the loan was disbursed.

    Neither can be a row CHECK: one needs the clock, the other the loan's row.
    """
    if value is None:
        return message("work.err.required")
    if value > today:
        return message("work.err.future_date", value=value)
    if value < EARLIEST_WORK:
        return message("work.err.before", value=value, other=EARLIEST_WORK)
    disbursed_on = conn.execute(select(Loan.disbursed_on).where(Loan.loan_id == loan_id)).scalar_one()
    if value < disbursed_on:
        return message("work.err.before", value=value, other=disbursed_on)
    return None


def require_staff(actor: Actor) -> str:
    """The staff id the record is written under; a user without a staff record cannot record work."""
    if not actor.staff_id:
        raise NotAllowed("visit.err.no_staff")
    return actor.staff_id


def _problems(conn: Connection, form: VisitForm, today: date, config: Config) -> dict[str, Message]:
    # Each check below is also a CHECK in the schema (enumerations, content, satisfaction, follow-up),
    # except the dates against today and the disbursement, and the lengths (see the module's report).
    errors: dict[str, Message] = {}
    visit_date = loan_date_problem(conn, form.loan_id, form.visited_on, today)
    if visit_date:
        errors["visited_on"] = visit_date
    if form.method not in VISIT_METHODS:
        errors["method"] = message("work.err.required" if not form.method else "visit.err.unknown")
    if form.stage not in VISIT_STAGES:
        errors["stage"] = message("work.err.required" if not form.stage else "visit.err.unknown")
    content = text_problem(clean(form.content), required=True)
    if content:
        errors["content"] = content
    feedback = text_problem(clean(form.feedback), required=False)
    if feedback:
        errors["feedback"] = feedback
    if form.satisfaction is not None and form.satisfaction not in range(1, 6):
        errors["satisfaction"] = message("visit.err.satisfaction")
    follow_up = form.next_follow_up_on
    if follow_up is not None and form.visited_on is not None:
        last = form.visited_on + timedelta(days=config.follow_up_max_days)
        if follow_up < form.visited_on:
            errors["next_follow_up_on"] = message("work.err.before", value=follow_up, other=form.visited_on)
        elif follow_up > last:
            errors["next_follow_up_on"] = message(
                "visit.err.follow_up_too_far", days=config.follow_up_max_days, last=last
            )
    return errors | issue_problems(form.issues)


def insert_issues(
    conn: Connection,
    found: list[IssueFound],
    loan_id: str,
    raised_on: date,
    staff_id: str,
    *,
    visit_id: str | None = None,
    inspection_id: str | None = None,
) -> list[Change]:
    """The issues found on a visit or an inspection (rule 8): raised on its date, assigned to the one who
    found them. Checked beforehand with issue_problems."""
    changes = []
    for issue_found in found:
        issue_id = new_id("IS")
        issue: dict[str, Any] = {
            "issue_id": issue_id,
            "loan_id": loan_id,
            "visit_id": visit_id,
            "inspection_id": inspection_id,
            "severity": issue_found.severity,
            "raised_on": raised_on,
            "description": clean(issue_found.description),
            "assigned_to": staff_id,
        }
        conn.execute(insert(Issue).values(**issue))
        changes.append(Change("insert", "issues", issue_id, None, issue))
    return changes


def issue_problems(found: list[IssueFound]) -> dict[str, Message]:
    """issue_N -> what is wrong with the N-th issue found."""
    return {f"issue_{n}": problem for n, one in enumerate(found, start=1) if (problem := _issue_problem(one))}


def _issue_problem(found: IssueFound) -> Message | None:
    if found.severity not in SEVERITIES or not clean(found.description):
        return message("visit.err.issue_incomplete")
    return text_problem(clean(found.description), required=True)


def record_visit(
    engine: Engine,
    actor: Actor,
    form: VisitForm,
    token: str | None,
    today: date | None = None,
    config: Config | None = None,
) -> Saved:
    """Save a visit by the signed-in user and one issue per IssueFound (raised on the visit date, assigned
    to the visitor). All field problems are reported at once; nothing is written unless all pass."""
    day = today or clock.today()
    loan_id = clean(form.loan_id)
    form = replace(form, loan_id=loan_id)

    def write(conn: Connection) -> list[Change]:
        require(actor, "visit")
        staff_id = require_staff(actor)
        if not loan_id:
            raise FormInvalid({"loan_id": message("work.err.required")})
        require_loan(conn, actor, loan_id)
        errors = _problems(conn, form, day, config or Config())
        types, photo_problem = check_photos(form.photos, config or Config())
        if photo_problem is not None:
            errors["photos"] = photo_problem
        if errors:
            raise FormInvalid(errors)
        visit_id = new_id("V")
        visit: dict[str, Any] = {
            "visit_id": visit_id,
            "loan_id": loan_id,
            "visited_on": form.visited_on,
            "method": form.method,
            "stage": form.stage,
            "staff_id": staff_id,
            "content": clean(form.content),
            "feedback": clean(form.feedback) or None,
            "satisfaction": form.satisfaction,
            "next_follow_up_on": form.next_follow_up_on,
        }
        conn.execute(insert(Visit).values(**visit))
        changes = [Change("insert", "visits", visit_id, None, visit)]
        assert form.visited_on is not None  # checked above
        changes += insert_issues(conn, form.issues, loan_id, form.visited_on, staff_id, visit_id=visit_id)
        changes += insert_photos(conn, actor, loan_id, form.photos, types, clock.now(), visit_id=visit_id)
        return changes

    return save(engine, actor, token, write)


def correct_visit(
    engine: Engine,
    actor: Actor,
    visit_id: str,
    content: str | None,
    feedback: str | None,
    satisfaction: int | None,
    reason: str | None,
    token: str | None,
) -> Saved:
    """Correct a saved visit record (its content, feedback or satisfaction) with a reason. The audit row,
    action "correct", is what record accuracy counts (seed 004 七(二)2: a record with an error or an
    omission is not accurate): a record once corrected stays counted as corrected."""
    why, text, said = clean(reason), clean(content), clean(feedback)

    def write(conn: Connection) -> list[Change]:
        require(actor, "visit")
        row = conn.execute(
            select(Visit.loan_id, Visit.content, Visit.feedback, Visit.satisfaction).where(
                Visit.visit_id == visit_id
            )
        ).first()
        if row is None:
            raise NotAllowed("visit.err.not_found", visit_id=visit_id)
        require_loan(conn, actor, row.loan_id)
        errors: dict[str, Message] = {}
        for name, value, required in (
            ("content", text, True),
            ("feedback", said, False),
            ("reason", why, True),
        ):
            problem = text_problem(value, required=required)
            if problem:
                errors[name] = problem
        if satisfaction is not None and satisfaction not in range(1, 6):
            errors["satisfaction"] = message("visit.err.satisfaction")
        if errors:
            raise FormInvalid(errors)
        after = {"content": text, "feedback": said or None, "satisfaction": satisfaction}
        before = {"content": row.content, "feedback": row.feedback, "satisfaction": row.satisfaction}
        conn.execute(update(Visit).where(Visit.visit_id == visit_id).values(**after))
        return [Change("correct", "visits", visit_id, before, after | {"reason": why})]

    return save(engine, actor, token, write)


def visits_of(conn: Connection, actor: Actor, loan_id: str) -> dict[str, str]:
    """visit_id -> "date · content" of the loan's visit records, newest first, when the loan is in scope."""
    if not loan_in_scope(conn, actor, loan_id):
        return {}
    rows = conn.execute(
        select(Visit.visit_id, Visit.visited_on, Visit.content)
        .where(Visit.loan_id == loan_id)
        .order_by(Visit.visited_on.desc(), Visit.visit_id)
    ).all()
    return {visit_id: f"{visited_on} · {content[:40]}" for visit_id, visited_on, content in rows}
