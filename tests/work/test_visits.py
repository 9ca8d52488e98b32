"""Visit records with the issues found: what a save writes (rows, audit, token), every refusal with its
message and nothing written, idempotency, scope and roles, on both databases."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.i18n import translate
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.saving import submission_key
from dashboard.work.visits import IssueFound, VisitForm, record_visit
from db.data_version import data_version
from db.models import AuditEntry, FormSubmission, Issue, Visit
from tests.kpi.book import D, loan, reference

TODAY = D("2025-03-20")
RISK = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]

GOOD = VisitForm(
    loan_id="A",
    visited_on=D("2025-03-18"),
    method="phone",
    stage="repayment",
    content="提醒 4 月 10 日还款",
    feedback="客户表示按时还款",
    satisfaction=4,
    next_follow_up_on=D("2025-04-08"),
)


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Loan A (B11, officer O1) disbursed 2025-01-10; loan X (B2, officer O2)."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
    return engine


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.__tablename__: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Visit, Issue, AuditEntry, FormSubmission)
        } | {"data_version": data_version(conn)}


NOTHING = {"visits": 0, "issues": 0, "audit_log": 0, "form_submissions": 0}


def refused_fields(engine: Engine, form: VisitForm, actor: Actor = RISK) -> dict[str, str]:
    before = counts(engine)
    with pytest.raises(FormInvalid) as caught:
        record_visit(engine, actor, form, "tok-bad", today=TODAY)
    assert counts(engine) == before
    return caught.value.field_texts("en")


def test_a_risk_officer_records_a_visit_with_two_issues(book: Engine) -> None:
    form = replace(
        GOOD,
        issues=[
            IssueFound("important", "客户更换了工作单位"),
            IssueFound("general", "  联系电话变更  "),
        ],
    )
    saved = record_visit(book, RISK, form, "tok-1", today=TODAY)
    assert not saved.duplicate and saved.table == "visits"
    with book.connect() as conn:
        visit = conn.execute(select(Visit)).mappings().one()
        issues = conn.execute(select(Issue).order_by(Issue.severity.desc())).mappings().all()
        audit = conn.execute(select(AuditEntry).order_by(AuditEntry.entry_id)).mappings().all()
        token = conn.execute(select(FormSubmission)).mappings().one()
    assert visit["visit_id"] == saved.record_key and visit["visit_id"].startswith("V")
    assert {k: visit[k] for k in ("loan_id", "visited_on", "method", "stage", "staff_id")} == {
        "loan_id": "A",
        "visited_on": D("2025-03-18"),
        "method": "phone",
        "stage": "repayment",
        "staff_id": "R1",
    }
    assert (visit["content"], visit["feedback"], visit["satisfaction"]) == (GOOD.content, GOOD.feedback, 4)
    assert visit["next_follow_up_on"] == D("2025-04-08")
    assert [(i["severity"], i["description"]) for i in issues] == [
        ("important", "客户更换了工作单位"),
        ("general", "联系电话变更"),
    ]
    for issue in issues:
        assert issue["visit_id"] == visit["visit_id"]
        assert issue["raised_on"] == D("2025-03-18")
        assert issue["assigned_to"] == "R1"
        assert issue["reported_on"] is None and issue["resolved_on"] is None and issue["version"] == 1
    assert [(a["action"], a["table_name"], a["username"]) for a in audit] == [
        ("insert", "visits", "r1"),
        ("insert", "issues", "r1"),
        ("insert", "issues", "r1"),
    ]
    assert [a["record_key"] for a in audit] == [visit["visit_id"], *(x.record_key for x in saved.changes[1:])]
    assert {i["issue_id"] for i in issues} == {x.record_key for x in saved.changes[1:]}
    after = json.loads(audit[0]["after"])
    assert after["staff_id"] == "R1" and after["visited_on"] == "2025-03-18" and audit[0]["before"] is None
    assert json.loads(audit[1]["after"])["visit_id"] == visit["visit_id"]
    assert (token["token"], token["username"], token["table_name"], token["record_key"]) == (
        submission_key("r1", "tok-1"),
        "r1",
        "visits",
        visit["visit_id"],
    )


def test_optional_fields_may_be_left_empty(book: Engine) -> None:
    form = replace(GOOD, feedback="  ", satisfaction=None, next_follow_up_on=None)
    record_visit(book, OFFICER, form, None, today=TODAY)
    with book.connect() as conn:
        visit = conn.execute(select(Visit)).mappings().one()
    assert (visit["feedback"], visit["satisfaction"], visit["next_follow_up_on"]) == (None, None, None)
    assert visit["staff_id"] == "O1"
    assert counts(book) | {"data_version": 0} == NOTHING | {"visits": 1, "audit_log": 1, "data_version": 0}


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"visited_on": None}, "visited_on", "Required"),
        ({"visited_on": D("2025-03-21")}, "visited_on", "2025-03-21 is after today"),
        ({"visited_on": D("2025-01-09")}, "visited_on", "2025-01-09 is before 2025-01-10"),
        ({"method": None}, "method", "Required"),
        ({"method": "email"}, "method", "Not one of the listed values"),
        ({"stage": ""}, "stage", "Required"),
        ({"stage": "collection"}, "stage", "Not one of the listed values"),
        ({"content": "   "}, "content", "Required"),
        ({"content": "x" * 2001}, "content", "At most 2000 characters"),
        ({"feedback": "x" * 2001}, "feedback", "At most 2000 characters"),
        ({"satisfaction": 0}, "satisfaction", "Choose a whole number from 1 to 5"),
        ({"satisfaction": 6}, "satisfaction", "Choose a whole number from 1 to 5"),
        ({"next_follow_up_on": D("2025-03-17")}, "next_follow_up_on", "2025-03-17 is before 2025-03-18"),
        (
            {"issues": [IssueFound("major", "ok"), IssueFound(None, "没有严重程度")]},
            "issue_2",
            "Each issue needs a severity and a description",
        ),
        (
            {"issues": [IssueFound("important", "  ")]},
            "issue_1",
            "Each issue needs a severity and a description",
        ),
        ({"issues": [IssueFound("urgent", "x")]}, "issue_1", "Each issue needs a severity and a description"),
        ({"issues": [IssueFound("general", "x" * 2001)]}, "issue_1", "At most 2000 characters"),
        ({"loan_id": "  "}, "loan_id", "Required"),
    ],
)
def test_each_bad_input_is_refused_with_its_message(
    book: Engine, change: dict[str, Any], field: str, text: str
) -> None:
    assert refused_fields(book, replace(GOOD, **change)) == {field: text}


def test_every_problem_is_reported_at_once(book: Engine) -> None:
    form = replace(
        GOOD,
        visited_on=D("2025-04-01"),
        method=None,
        content="",
        satisfaction=9,
        issues=[IssueFound("general", "ok"), IssueFound("major", "")],
    )
    errors = refused_fields(book, form)
    assert set(errors) == {"visited_on", "method", "content", "satisfaction", "issue_2"}
    assert counts(book)["visits"] == 0


def test_messages_come_in_chinese_too(book: Engine) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_visit(book, RISK, replace(GOOD, content=""), "t", today=TODAY)
    assert (
        caught.value.field_texts("zh")
        == {"content": translate("work.err.required", "zh")}
        == {"content": "必填"}
    )


def test_the_same_token_twice_writes_once(book: Engine) -> None:
    form = replace(GOOD, issues=[IssueFound("major", "担保人失联")])
    first = record_visit(book, RISK, form, "tok-twice", today=TODAY)
    after_first = counts(book)
    second = record_visit(book, RISK, form, "tok-twice", today=TODAY)
    assert second.duplicate and second.record_key == first.record_key
    assert counts(book) == after_first
    assert after_first | {"data_version": 0} == {
        "visits": 1,
        "issues": 1,
        "audit_log": 2,
        "form_submissions": 1,
        "data_version": 0,
    }


def test_the_same_token_from_another_user_is_their_own_record(book: Engine) -> None:
    """A form link passed to a colleague (issue 14 item 5): the token is matched with the user, so the
    colleague's submit writes their visit instead of answering "already submitted" with the first one's id."""
    first = record_visit(book, RISK, GOOD, "tok-shared", today=TODAY)
    second = record_visit(book, OFFICER, GOOD, "tok-shared", today=TODAY)
    assert not second.duplicate and second.record_key != first.record_key
    again = record_visit(book, OFFICER, GOOD, "tok-shared", today=TODAY)
    assert again.duplicate and again.record_key == second.record_key
    with book.connect() as conn:
        visits = conn.execute(select(Visit.visit_id, Visit.staff_id).order_by(Visit.staff_id)).all()
        submitted = conn.execute(select(FormSubmission.username).order_by(FormSubmission.username)).scalars()
        assert sorted(submitted) == ["o1", "r1"]
    assert sorted(visits) == sorted([(second.record_key, "O1"), (first.record_key, "R1")])


def test_a_loan_outside_the_scope_is_refused(book: Engine) -> None:
    before = counts(book)
    with pytest.raises(NotAllowed) as caught:
        record_visit(book, OFFICER_2, GOOD, "tok-scope", today=TODAY)
    assert caught.value.key == "work.err.loan_out_of_scope"
    assert "Loan A is not one of yours" in str(caught.value)
    # A risk manager of B1 cannot reach loan X of branch B2 either; an unknown id says the same.
    for actor, loan_id in ((RISK, "X"), (RISK, "NOPE")):
        with pytest.raises(NotAllowed, match="is not one of yours"):
            record_visit(book, actor, replace(GOOD, loan_id=loan_id), None, today=TODAY)
    assert counts(book) == before


@pytest.mark.parametrize(
    ("actor", "key"),
    [
        (Actor("m1", "manager", staff_id="R1", branch_id="HQ"), "work.err.not_allowed"),
        (Actor("c1", "collector", staff_id="C1"), "work.err.not_allowed"),
        (Actor("a1", "agency", agency_id="A1"), "work.err.not_allowed"),
        (Actor("nobody", "officer"), "visit.err.no_staff"),
    ],
)
def test_roles_that_do_not_visit_are_refused(book: Engine, actor: Actor, key: str) -> None:
    with pytest.raises(NotAllowed) as caught:
        record_visit(book, actor, GOOD, None, today=TODAY)
    assert caught.value.key == key
    assert counts(book)["visits"] == 0


def test_typed_text_is_stored_literally(book: Engine) -> None:
    nasty = "'; DROP TABLE loans; -- <script>alert(1)</script> **bold** مرحبا 🙂"
    record_visit(book, RISK, replace(GOOD, content=nasty, issues=[IssueFound("general", nasty)]), None, TODAY)
    with book.connect() as conn:
        assert conn.execute(select(Visit.content)).scalar_one() == nasty
        assert conn.execute(select(Issue.description)).scalar_one() == nasty


def test_today_defaults_to_the_clock(book: Engine) -> None:
    record_visit(book, RISK, replace(GOOD, visited_on=clock.today(), next_follow_up_on=None), None)
    assert counts(book)["visits"] == 1
