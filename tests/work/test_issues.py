"""Issue workflow: assign, mark reported, resolve, reopen (audit before/after, refusals writing nothing),
optimistic locking between two editors on both databases, and the work list's order."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text, update

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.errors import FormInvalid, NotAllowed, StaleRecord, WorkError
from dashboard.work.issues import (
    assign,
    assignable_staff,
    issue_detail,
    issue_list,
    mark_reported,
    reopen,
    resolve,
)
from db.models import AuditEntry, DataVersion, FormSubmission, Issue
from tests.kpi.book import D, loan, reference

TODAY = D("2025-03-20")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RM_B2 = Actor("r2", "risk_manager", name="R2", staff_id="O2", branch_id="B2")
MANAGER = Actor("m1", "manager", name="M1", branch_id="HQ")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")

MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def add_issue(
    conn: Connection, issue_id: str, loan_id: str, severity: str, raised_on: str, **extra: Any
) -> None:
    values = {
        "issue_id": issue_id,
        "loan_id": loan_id,
        "visit_id": None,
        "severity": severity,
        "raised_on": D(raised_on),
        "description": f"问题 {issue_id}",
    }
    for key in ("reported_on", "resolved_on"):
        if key in extra:
            extra[key] = D(extra[key])
    conn.execute(insert(Issue).values(**values, **extra))


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Loans A (B11, O1) and X (B2, O2); issue IA open on A, IR resolved on A, IX open on X."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        add_issue(conn, "IA", "A", "important", "2025-03-10")
        add_issue(
            conn,
            "IR",
            "A",
            "major",
            "2025-03-03",
            reported_on="2025-03-04",
            resolved_on="2025-03-05",
            resolution="已核实",
            assigned_to="O1",
        )
        add_issue(conn, "IX", "X", "general", "2025-03-10")
    return engine


def row(engine: Engine, issue_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        found = conn.execute(select(Issue).where(Issue.issue_id == issue_id)).mappings().one()
    return {key: found[key] for key in ("assigned_to", "reported_on", "resolved_on", "resolution", "version")}


def audit(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry).order_by(AuditEntry.entry_id)).mappings().all()
    return [
        {
            "username": r["username"],
            "action": r["action"],
            "table": r["table_name"],
            "record": r["record_key"],
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(r["after"]) if r["after"] else None,
        }
        for r in rows
    ]


def written(engine: Engine) -> tuple[Any, ...]:
    """Everything a save may write: issues, audit rows, tokens, the data version."""
    with engine.connect() as conn:
        issues = conn.execute(select(Issue).order_by(Issue.issue_id)).mappings().all()
        return (
            [dict(r) for r in issues],
            conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
            conn.execute(select(func.count()).select_from(FormSubmission)).scalar_one(),
            conn.execute(select(DataVersion.version)).scalar_one(),
        )


# --- happy paths ---------------------------------------------------------------------------------------


def test_assign_writes_row_and_audit(book: Engine) -> None:
    saved = assign(book, RM, "IA", 1, "C1", "t-assign", today=TODAY)
    assert (saved.table, saved.record_key, saved.duplicate) == ("issues", "IA", False)
    assert row(book, "IA")["assigned_to"] == "C1"
    assert row(book, "IA")["version"] == 2
    assert audit(book) == [
        {
            "username": "r1",
            "action": "assign",
            "table": "issues",
            "record": "IA",
            "before": {"assigned_to": None, "version": 1},
            "after": {"assigned_to": "C1", "version": 2},
        }
    ]


def test_mark_reported(book: Engine) -> None:
    mark_reported(book, RM, "IA", 1, D("2025-03-12"), "t-rep", today=TODAY)
    assert row(book, "IA")["reported_on"] == D("2025-03-12")
    (entry,) = audit(book)
    assert entry["action"] == "report"
    assert entry["before"] == {"reported_on": None, "version": 1}
    assert entry["after"] == {"reported_on": "2025-03-12", "version": 2}


@pytest.mark.parametrize("actor", [RM, MANAGER], ids=["risk_manager", "manager"])
def test_resolve(book: Engine, actor: Actor) -> None:
    resolve(book, actor, "IA", 1, D("2025-03-18"), "  客户已补充材料  ", "t-res", today=TODAY)
    assert row(book, "IA") | {"assigned_to": None} == {
        "assigned_to": None,
        "reported_on": None,
        "resolved_on": D("2025-03-18"),
        "resolution": "客户已补充材料",
        "version": 2,
    }
    (entry,) = audit(book)
    assert entry["username"] == actor.username
    assert entry["before"] == {"resolved_on": None, "resolution": None, "version": 1}
    assert entry["after"] == {"resolved_on": "2025-03-18", "resolution": "客户已补充材料", "version": 2}


def test_reopen_clears_resolution_and_audits_the_reason(book: Engine) -> None:
    reopen(book, RM, "IR", 1, "客户再次违约", "t-reopen")
    assert row(book, "IR") == {
        "assigned_to": "O1",
        "reported_on": D("2025-03-04"),
        "resolved_on": None,
        "resolution": None,
        "version": 2,
    }
    (entry,) = audit(book)
    assert entry["action"] == "reopen"
    assert entry["before"] == {"resolved_on": "2025-03-05", "resolution": "已核实", "version": 1}
    assert entry["after"] == {"resolved_on": None, "resolution": None, "version": 2, "reason": "客户再次违约"}
    # Reopened, it can be resolved again from its new version.
    resolve(book, RM, "IR", 2, D("2025-03-19"), "再次处理", "t-res2", today=TODAY)
    assert row(book, "IR")["version"] == 3


def test_same_token_twice_writes_once(book: Engine) -> None:
    resolve(book, RM, "IA", 1, D("2025-03-18"), "done", "t-same", today=TODAY)
    before = written(book)
    again = resolve(book, RM, "IA", 1, D("2025-03-18"), "done", "t-same", today=TODAY)
    assert again.duplicate
    assert written(book) == before


# --- refusals: a message, and nothing written ----------------------------------------------------------


def _refused(engine: Engine, call, kind: type[Exception] = WorkError):  # type: ignore[no-untyped-def]
    before = written(engine)
    with pytest.raises(kind) as caught:
        call()
    assert written(engine) == before
    return caught.value


@pytest.mark.parametrize(
    ("staff", "expected"),
    [
        ("", "Required"),
        ("O2", "O2 is not a current staff member of your branches"),  # branch B2, outside B1
        ("O3", "O3 is not a current staff member of your branches"),  # left in 2024
        ("NOBODY", "NOBODY is not a current staff member of your branches"),
    ],
)
def test_assign_refuses_staff_outside_the_subtree(book: Engine, staff: str, expected: str) -> None:
    error = _refused(book, lambda: assign(book, RM, "IA", 1, staff, "t", today=TODAY), FormInvalid)
    assert error.field_texts("en") == {"staff_id": expected}


def test_assignable_staff_is_the_subtree(book: Engine) -> None:
    with book.connect() as conn:
        assert list(assignable_staff(conn, RM, TODAY)) == ["C1", "O1", "R1"]
        assert list(assignable_staff(conn, MANAGER, TODAY)) == ["C1", "O1", "O2", "R1"]


@pytest.mark.parametrize(
    ("reported_on", "expected"),
    [
        (None, "Required"),
        ("2025-03-21", "2025-03-21 is after today"),
        ("2025-03-09", "2025-03-09 is before 2025-03-10"),
    ],
)
def test_mark_reported_checks_the_date(book: Engine, reported_on: str | None, expected: str) -> None:
    day = D(reported_on) if reported_on else None
    error = _refused(book, lambda: mark_reported(book, RM, "IA", 1, day, "t", today=TODAY), FormInvalid)
    assert error.field_texts("en") == {"reported_on": expected}


def test_mark_reported_twice_refused(book: Engine) -> None:
    error = _refused(book, lambda: mark_reported(book, RM, "IR", 1, D("2025-03-06"), "t", today=TODAY))
    assert str(error) == "Issue IR was already reported on 2025-03-04"


def test_resolve_reports_every_field_problem_at_once(book: Engine) -> None:
    error = _refused(
        book, lambda: resolve(book, RM, "IA", 1, D("2025-03-21"), "   ", "t", today=TODAY), FormInvalid
    )
    assert error.field_texts("en") == {"resolved_on": "2025-03-21 is after today", "resolution": "Required"}
    error = _refused(
        book, lambda: resolve(book, RM, "IA", 1, None, "x" * 2001, "t", today=TODAY), FormInvalid
    )
    assert error.field_texts("zh") == {"resolved_on": "必填", "resolution": "最多 2000 个字符"}
    error = _refused(
        book, lambda: resolve(book, RM, "IA", 1, D("2025-03-01"), "ok", "t", today=TODAY), FormInvalid
    )
    assert error.field_texts("en") == {"resolved_on": "2025-03-01 is before 2025-03-10"}


def test_state_must_allow_the_action(book: Engine) -> None:
    error = _refused(book, lambda: resolve(book, RM, "IR", 1, D("2025-03-18"), "again", "t", today=TODAY))
    assert str(error) == "Issue IR is already resolved"
    error = _refused(book, lambda: assign(book, RM, "IR", 1, "C1", "t", today=TODAY))
    assert str(error) == "Issue IR is already resolved"
    error = _refused(book, lambda: reopen(book, RM, "IA", 1, "why", "t"))
    assert str(error) == "Issue IA is not resolved, so it cannot be reopened"


def test_reopen_needs_a_reason(book: Engine) -> None:
    error = _refused(book, lambda: reopen(book, RM, "IR", 1, " ", "t"), FormInvalid)
    assert error.field_texts("en") == {"reason": "Required"}


@pytest.mark.parametrize(
    ("actor", "call", "expected"),
    [
        (MANAGER, "assign", "A manager may not do this (issue_edit)"),
        (MANAGER, "reopen", "A manager may not do this (issue_edit)"),
        (OFFICER, "resolve", "A officer may not do this (issue_resolve)"),
        (RM_B2, "resolve", "Loan A is not one of yours (or does not exist)"),
    ],
)
def test_permission_and_scope(book: Engine, actor: Actor, call: str, expected: str) -> None:
    calls = {
        "assign": lambda: assign(book, actor, "IA", 1, "C1", "t", today=TODAY),
        "reopen": lambda: reopen(book, actor, "IR", 1, "why", "t"),
        "resolve": lambda: resolve(book, actor, "IA", 1, D("2025-03-18"), "ok", "t", today=TODAY),
    }
    error = _refused(book, calls[call], NotAllowed)
    assert str(error) == expected


def test_unknown_issue(book: Engine) -> None:
    error = _refused(book, lambda: reopen(book, RM, "NOPE", 1, "why", "t"), NotAllowed)
    assert str(error) == "Issue NOPE is not one of yours (or does not exist)"


# --- two editors ---------------------------------------------------------------------------------------


def test_second_editor_is_refused_and_first_values_stay(book: Engine) -> None:
    """Both read version 1; the first save goes through, the second is refused and changes nothing."""
    with book.connect() as conn:
        first_view = issue_detail(conn, RM, "IA")
        second_view = issue_detail(conn, MANAGER, "IA")
    assert first_view and second_view and first_view["version"] == second_view["version"] == 1
    resolve(book, RM, "IA", first_view["version"], D("2025-03-18"), "first", "t-first", today=TODAY)
    error = _refused(
        book,
        lambda: resolve(
            book, MANAGER, "IA", second_view["version"], D("2025-03-19"), "second", "t-2nd", today=TODAY
        ),
        StaleRecord,
    )
    assert str(error).startswith("Someone else saved this record after you opened it")
    assert row(book, "IA")["resolution"] == "first"
    assert row(book, "IA")["resolved_on"] == D("2025-03-18")
    assert row(book, "IA")["version"] == 2
    assert [e["username"] for e in audit(book)] == ["r1"]
    # A stale version is refused whatever the action.
    _refused(book, lambda: assign(book, RM, "IA", 1, "C1", "t-3", today=TODAY), StaleRecord)


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_concurrent_save_refused_by_the_update(book: Engine) -> None:
    """The second editor reads version 1 while the first's update is not yet committed, so its own read
    check passes; the database makes its UPDATE wait, re-checks `version = 1` and matches nothing."""
    holder = book.connect()
    first = holder.begin()
    holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
    holder.execute(
        update(Issue)
        .where(Issue.issue_id == "IA")
        .values(resolved_on=D("2025-03-18"), resolution="first", version=2)
    )
    outcome: dict[str, Exception] = {}

    def second_editor() -> None:
        try:
            resolve(book, MANAGER, "IA", 1, D("2025-03-19"), "second", "t-2nd", today=TODAY)
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=second_editor)
    thread.start()
    waiting = 0
    # Up to two minutes: on a loaded machine the second editor's thread can take long to reach its UPDATE.
    deadline = time.monotonic() + 120
    with book.connect() as watch:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = watch.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                {"pid": holder_pid},
            ).scalar_one()
            if waiting:
                break
            time.sleep(0.05)
    first.commit()
    holder.close()
    thread.join(timeout=30)
    # The second editor did get past its read and was held at the UPDATE.
    assert waiting == 1, f"the second editor was never seen held at the UPDATE: {outcome!r}"
    assert isinstance(outcome.get("error"), StaleRecord)
    assert row(book, "IA")["resolution"] == "first"
    assert audit(book) == []


# --- the work list -------------------------------------------------------------------------------------


@pytest.fixture
def worklist(book: Engine) -> Engine:
    with book.begin() as conn:
        add_issue(conn, "W-MAJ-ONTIME", "A", "major", "2025-03-03", reported_on="2025-03-04")
        add_issue(conn, "W-IMP-LATE", "A", "important", "2025-03-12")  # due 03-13
        add_issue(conn, "W-GEN", "A", "general", "2025-03-01", assigned_to="C1")
        add_issue(conn, "W-MAJ-TODAY", "A", "major", "2025-03-19")  # due 03-20: not late yet
        add_issue(conn, "W-MAJ-FRI", "A", "major", "2025-03-14", assigned_to="C1")  # Friday: due Monday 03-17
        add_issue(conn, "W-MAJ-LATEREP", "A", "major", "2025-03-14", reported_on="2025-03-19")
        add_issue(conn, "W-FUTURE", "A", "major", "2025-03-21")
    return book


def test_list_puts_past_deadline_first(worklist: Engine) -> None:
    with worklist.connect() as conn:
        # The one-working-day deadline for major issues too, as before issue 17 (its same-day rule below).
        frame = issue_list(conn, RM, TODAY, config=Config(major_issue_report_days=1))
    assert frame["issue_id"].tolist() == [
        "W-MAJ-FRI",  # past deadline, unreported, major
        "IA",  # past deadline (raised 03-10, due 03-11), important
        "W-IMP-LATE",
        "W-MAJ-ONTIME",  # then by severity, oldest first
        "W-MAJ-LATEREP",
        "W-MAJ-TODAY",
        "W-GEN",
    ]
    by_id = frame.set_index("issue_id")
    assert by_id.loc["W-MAJ-FRI", "report_deadline"] == D("2025-03-17")
    assert by_id.loc["W-MAJ-FRI", "days_past_deadline"] == 3
    assert bool(by_id.loc["W-MAJ-FRI", "past_deadline"])
    assert by_id.loc["W-MAJ-LATEREP", "days_past_deadline"] == 2  # reported 2 days after the deadline
    assert not bool(by_id.loc["W-MAJ-LATEREP", "past_deadline"])
    assert by_id.loc["W-MAJ-ONTIME", "days_past_deadline"] == 0
    assert by_id.loc["W-MAJ-TODAY", "report_deadline"] == D("2025-03-20")
    assert by_id.loc["W-MAJ-TODAY", "days_past_deadline"] == 0
    assert by_id.loc["W-GEN", "report_deadline"] is None
    assert by_id.loc["W-GEN", "assignee"] == "C1"
    assert by_id.loc["IA", "version"] == 1


def test_a_major_issue_is_due_the_same_working_day(worklist: Engine) -> None:
    with worklist.connect() as conn:
        by_id = issue_list(conn, RM, TODAY).set_index("issue_id")
    assert by_id.loc["W-MAJ-TODAY", "report_deadline"] == D("2025-03-19")  # raised 03-19, unreported
    assert bool(by_id.loc["W-MAJ-TODAY", "past_deadline"])
    assert by_id.loc["W-MAJ-ONTIME", "days_past_deadline"] == 1  # raised 03-03, reported the day after
    assert by_id.loc["IA", "report_deadline"] == D("2025-03-11")  # important: still one working day


def test_list_by_person_state_and_scope(worklist: Engine) -> None:
    with worklist.connect() as conn:
        mine = issue_list(conn, RM, TODAY, person="C1")
        resolved = issue_list(conn, RM, TODAY, state="resolved")
        every = issue_list(conn, RM, TODAY, state="all")
        everywhere = issue_list(conn, MANAGER, TODAY, state="all")
        theirs = issue_list(conn, RM_B2, TODAY)
        earlier = issue_list(conn, RM, D("2025-03-04"), state="all")
    assert mine["issue_id"].tolist() == ["W-MAJ-FRI", "W-GEN"]
    assert resolved["issue_id"].tolist() == ["IR"]
    assert len(every) == 8 and "IX" not in set(every["issue_id"])  # X lies in B2
    assert len(everywhere) == 9
    assert theirs["issue_id"].tolist() == ["IX"]
    # As of 03-04 IR was still open and only issues raised by then exist.
    assert earlier["issue_id"].tolist() == ["IR", "W-MAJ-ONTIME", "W-GEN"]
    with pytest.raises(ValueError):
        issue_list(conn, RM, TODAY, state="closed")
