"""Issue workflow (DOMAIN rule 8): assign, mark reported, resolve with a note, reopen; and the work list.

Each change names the version of the issue the user read. The UPDATE matches only that version, so of two
people editing one issue the second is refused (StaleRecord) instead of overwriting the first: optimistic
locking, which holds under concurrency because the database re-checks the WHERE clause on the locked row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, exists, literal, not_, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from dashboard import clock
from dashboard.access import branch_subtree, loan_condition
from dashboard.actor import Actor
from dashboard.config import Config, config_from
from dashboard.kpi.issues import SERIOUS, report_deadline
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, NotAllowed, StaleRecord, WorkError, message
from dashboard.work.saving import Change, Saved, save
from db.models import Issue, Loan, Staff
from db.sqlfuncs import days_between

MAX_TEXT = 2000
STATES = ("open", "resolved", "all")

LIST_COLUMNS = [
    "issue_id",
    "loan_id",
    "severity",
    "raised_on",
    "report_deadline",
    "reported_on",
    "days_past_deadline",
    "past_deadline",
    "assigned_to",
    "assignee",
    "description",
    "resolved_on",
    "resolution",
    "version",
    "repeated",
    "found_on",
]


# --- changes -------------------------------------------------------------------------------------------


def assign(
    engine: Engine,
    actor: Actor,
    issue_id: str,
    version: int,
    staff_id: str,
    token: str | None,
    today: date | None = None,
) -> Saved:
    """Give an open issue to a current staff member of the actor's branch subtree."""
    day = today or clock.today()
    staff_id = (staff_id or "").strip()

    def change(conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        _require_open(row)
        if not staff_id:
            raise FormInvalid({"staff_id": message("work.err.required")})
        if staff_id not in assignable_staff(conn, actor, day):
            raise FormInvalid({"staff_id": message("issue.err.staff_out_of_scope", staff_id=staff_id)})
        return {"assigned_to": staff_id}

    return _save(engine, actor, token, issue_id, version, "issue_edit", "assign", change)


def mark_reported(
    engine: Engine,
    actor: Actor,
    issue_id: str,
    version: int,
    reported_on: date | None,
    token: str | None,
    today: date | None = None,
) -> Saved:
    """Record the day an issue was reported to the risk and business departments (rule 8)."""
    day = today or clock.today()

    def change(conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        if row["reported_on"] is not None:
            raise WorkError("issue.err.already_reported", issue_id=issue_id, date=row["reported_on"])
        problem = _date_problem(reported_on, row["raised_on"], day)
        if problem:
            raise FormInvalid({"reported_on": problem})
        return {"reported_on": reported_on}

    return _save(engine, actor, token, issue_id, version, "issue_edit", "report", change)


def resolve(
    engine: Engine,
    actor: Actor,
    issue_id: str,
    version: int,
    resolved_on: date | None,
    resolution: str | None,
    token: str | None,
    today: date | None = None,
) -> Saved:
    """Close an open issue with the day and a note of how it was resolved."""
    day = today or clock.today()
    note = (resolution or "").strip()

    def change(conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        _require_open(row)
        errors: dict[str, Message] = {}
        problem = _date_problem(resolved_on, row["raised_on"], day)
        if problem:
            errors["resolved_on"] = problem
        problem = _text_problem(note)
        if problem:
            errors["resolution"] = problem
        if errors:
            raise FormInvalid(errors)
        return {"resolved_on": resolved_on, "resolution": note}

    return _save(engine, actor, token, issue_id, version, "issue_resolve", "resolve", change)


def reopen(
    engine: Engine, actor: Actor, issue_id: str, version: int, reason: str | None, token: str | None
) -> Saved:
    """Open a resolved issue again. Resolution day and note are cleared; the audit row keeps them (before)
    and the reason for reopening (after)."""
    why = (reason or "").strip()

    def change(conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        if row["resolved_on"] is None:
            raise WorkError("issue.err.not_resolved", issue_id=issue_id)
        problem = _text_problem(why)
        if problem:
            raise FormInvalid({"reason": problem})
        return {"resolved_on": None, "resolution": None}

    return _save(engine, actor, token, issue_id, version, "issue_edit", "reopen", change, {"reason": why})


def _save(
    engine: Engine,
    actor: Actor,
    token: str | None,
    issue_id: str,
    version: int,
    permission: str,
    action: str,
    change: Callable[[Connection, Mapping[str, Any]], dict[str, Any]],
    note: dict[str, Any] | None = None,
) -> Saved:
    """The steps every issue change shares: permission, scope, version, the change's own checks, then an
    UPDATE that only matches the version the user read."""

    def write(conn: Connection) -> list[Change]:
        require(actor, permission)
        row = _read(conn, issue_id)
        if row is None:
            raise NotAllowed("issue.err.not_found", issue_id=issue_id)
        require_loan(conn, actor, row["loan_id"])
        if row["version"] != version:
            raise StaleRecord("work.err.stale")
        values = change(conn, row)
        done = conn.execute(
            update(Issue)
            .where(Issue.issue_id == issue_id, Issue.version == version)
            .values(**values, version=Issue.version + 1)
        )
        if done.rowcount != 1:  # saved by someone else between our read and this update
            raise StaleRecord("work.err.stale")
        before = {key: row[key] for key in values} | {"version": version}
        after = values | {"version": version + 1} | (note or {})
        return [Change(action, "issues", issue_id, before, after)]

    return save(engine, actor, token, write)


def _read(conn: Connection, issue_id: str) -> Mapping[str, Any] | None:
    return (
        conn.execute(
            select(
                Issue.issue_id,
                Issue.loan_id,
                Issue.raised_on,
                Issue.reported_on,
                Issue.resolved_on,
                Issue.resolution,
                Issue.assigned_to,
                Issue.version,
            ).where(Issue.issue_id == issue_id)
        )
        .mappings()
        .first()
    )


def _require_open(row: Mapping[str, Any]) -> None:
    if row["resolved_on"] is not None:
        raise WorkError("issue.err.not_open", issue_id=row["issue_id"])


def _date_problem(value: date | None, raised_on: date, today: date) -> Message | None:
    # The schema's CHECKs say the same for "not before raised"; "not after today" needs the clock.
    if value is None:
        return message("work.err.required")
    if value > today:
        return message("work.err.future_date", value=value)
    if value < raised_on:
        return message("work.err.before", value=value, other=raised_on)
    return None


def _text_problem(text: str) -> Message | None:
    if not text:
        return message("work.err.required")
    if len(text) > MAX_TEXT:
        return message("work.err.too_long", max=MAX_TEXT)
    return None


# --- reading -------------------------------------------------------------------------------------------


def assignable_staff(conn: Connection, actor: Actor, on: date) -> dict[str, str]:
    """staff_id -> "name (staff_id)": the staff of the actor's branch subtree who have not left by `on`."""
    query = select(Staff.staff_id, Staff.name).where(or_(Staff.left_on.is_(None), Staff.left_on > on))
    if actor.branch_id:
        query = query.where(Staff.branch_id.in_(branch_subtree(actor.branch_id)))
    return {
        staff_id: f"{name} ({staff_id})" for staff_id, name in conn.execute(query.order_by(Staff.staff_id))
    }


def repeated_issue() -> ColumnElement[bool]:
    """The issue's loan had another issue raised before it (the same day: a smaller id): a problem that
    came back, which seed 004 六(三)3 holds the department answerable for."""
    earlier = aliased(Issue)
    return exists().where(
        earlier.loan_id == Issue.loan_id,
        or_(
            earlier.raised_on < Issue.raised_on,
            and_(earlier.raised_on == Issue.raised_on, earlier.issue_id < Issue.issue_id),
        ),
    )


def issue_detail(conn: Connection, actor: Actor, issue_id: str) -> dict[str, Any] | None:
    """One issue as the work panel shows it, or None when it does not exist or lies outside the scope."""
    row = (
        conn.execute(
            select(
                Issue.issue_id,
                Issue.loan_id,
                Issue.severity,
                Issue.raised_on,
                report_deadline(config_from(conn)).label("report_deadline"),
                Issue.reported_on,
                Issue.assigned_to,
                Staff.name.label("assignee"),
                Issue.description,
                Issue.resolved_on,
                Issue.resolution,
                Issue.version,
            )
            .join(Loan, Loan.loan_id == Issue.loan_id)
            .outerjoin(Staff, Staff.staff_id == Issue.assigned_to)
            .where(Issue.issue_id == issue_id, loan_condition(actor))
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def issue_list(
    conn: Connection,
    actor: Actor,
    as_of: date,
    person: str | None = None,
    state: str = "open",
    *,
    majors: bool = False,
    limit: int = 5000,
    config: Config | None = None,
) -> pd.DataFrame:
    """The issues raised by as_of on loans in the actor's scope (only those assigned to `person`, if given),
    worst first: important and major issues past their reporting deadline (raised_on + the severity's
    working days, as dashboard.kpi.issues computes it) and still unreported, then by severity, major
    first, then the oldest.

    state: "open" (not resolved by as_of), "resolved" or "all". majors: with `person`, major issues too,
    whoever they are assigned to: a branch manager's list gets every major issue of the scope at once
    (seed 004 六(二)3). repeated: the loan had an issue raised before this one (seed 004 六(三)3);
    found_on: "visit", "inspection" or None (imported without either).
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    deadline = report_deadline(config or config_from(conn))
    serious = Issue.severity.in_(SERIOUS)
    reported = and_(Issue.reported_on.is_not(None), Issue.reported_on <= as_of)
    late = and_(serious, not_(reported), deadline < as_of)
    days_past = case(
        (not_(serious), None),
        (late, days_between(literal(as_of), deadline)),
        (and_(reported, Issue.reported_on > deadline), days_between(Issue.reported_on, deadline)),
        else_=0,
    )
    repeated = repeated_issue()
    severity_rank = case((Issue.severity == "major", 0), (Issue.severity == "important", 1), else_=2)
    late_first = case((late, 0), else_=1)
    query = (
        select(
            Issue.issue_id,
            Issue.loan_id,
            Issue.severity,
            Issue.raised_on,
            case((serious, deadline), else_=None).label("report_deadline"),
            Issue.reported_on,
            days_past.label("days_past_deadline"),
            case((late, 1), else_=0).label("past_deadline"),
            Issue.assigned_to,
            Staff.name.label("assignee"),
            Issue.description,
            Issue.resolved_on,
            Issue.resolution,
            Issue.version,
            case((repeated, 1), else_=0).label("repeated"),
            case(
                (Issue.visit_id.is_not(None), "visit"),
                (Issue.inspection_id.is_not(None), "inspection"),
                else_=None,
            ).label("found_on"),
        )
        .join(Loan, Loan.loan_id == Issue.loan_id)
        .outerjoin(Staff, Staff.staff_id == Issue.assigned_to)
        .where(Issue.raised_on <= as_of, loan_condition(actor, as_of))
    )
    resolved = and_(Issue.resolved_on.is_not(None), Issue.resolved_on <= as_of)
    if state == "open":
        query = query.where(not_(resolved))
    elif state == "resolved":
        query = query.where(resolved)
    if majors:
        query = query.where(or_(Issue.assigned_to == person, Issue.severity == "major"))
    elif person is not None:
        query = query.where(Issue.assigned_to == person)
    query = query.order_by(late_first, severity_rank, Issue.raised_on, Issue.issue_id).limit(limit)
    frame = pd.DataFrame(conn.execute(query).all(), columns=LIST_COLUMNS)
    frame["past_deadline"] = frame["past_deadline"].astype(bool)
    frame["repeated"] = frame["repeated"].astype(bool)
    frame["days_past_deadline"] = frame["days_past_deadline"].astype("Int64")
    return frame
