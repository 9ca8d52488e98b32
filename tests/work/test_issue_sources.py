"""Issues raised on an inspection, major issues on the branch manager's list and the weekly review, repeated
issues, and the revisit KPIs of seed 004 七(二): record accuracy and satisfaction (issue 17)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.kpi.scope import Scope
from dashboard.kpi.visits import visit_quality
from dashboard.kpi.weekly import open_serious_issues
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.inspections import InspectionForm, record_inspection
from dashboard.work.issues import issue_list
from dashboard.work.visits import IssueFound, VisitForm, correct_visit, record_visit
from db.models import AuditEntry, Issue, Visit
from tests.kpi.book import D, loan, reference

TODAY = D("2025-03-20")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
RISK = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
MANAGER = Actor("m1", "manager", name="M1", branch_id="B1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
INSPECTION = InspectionForm(loan_id="A", kind="periodic", method="onsite", done_on=D("2025-03-18"))
VISIT = VisitForm(
    loan_id="A", visited_on=D("2025-03-05"), method="phone", stage="repayment", content="还款正常"
)


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
    return engine


def _issues(engine: Engine) -> list[tuple[str | None, str | None, str, object]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(Issue.visit_id, Issue.inspection_id, Issue.severity, Issue.raised_on).order_by(
                    Issue.raised_on, Issue.severity
                )
            )
        ]


def test_an_inspection_raises_issues_on_its_date_assigned_to_the_inspector(book: Engine) -> None:
    form = replace(
        INSPECTION, issues=[IssueFound("major", "挪用贷款资金"), IssueFound("general", "不了解流程")]
    )
    saved = record_inspection(book, OFFICER, form, "t1", today=TODAY)
    assert _issues(book) == [
        (None, saved.record_key, "general", D("2025-03-18")),
        (None, saved.record_key, "major", D("2025-03-18")),
    ]
    with book.connect() as conn:
        audited = conn.execute(select(AuditEntry.table_name).order_by(AuditEntry.entry_id)).scalars().all()
        listed = issue_list(conn, RISK, TODAY).set_index("severity")
    assert audited == ["inspections", "issues", "issues"]
    assert listed.loc["major", "found_on"] == "inspection"


def test_an_incomplete_issue_on_an_inspection_refuses_the_whole_save(book: Engine) -> None:
    form = replace(INSPECTION, issues=[IssueFound("major", "  ")])
    with pytest.raises(FormInvalid) as refused:
        record_inspection(book, OFFICER, form, "t1", today=TODAY)
    assert set(refused.value.errors) == {"issue_1"}
    assert _issues(book) == []


def test_a_major_issue_is_on_the_branch_managers_list_at_once_and_first_on_the_weekly_review(
    book: Engine,
) -> None:
    record_visit(
        book, OFFICER, replace(VISIT, issues=[IssueFound("important", "还款困难")]), "t1", today=TODAY
    )
    record_inspection(
        book, OFFICER, replace(INSPECTION, issues=[IssueFound("major", "欺诈")]), "t2", today=TODAY
    )
    with book.connect() as conn:
        mine = issue_list(conn, MANAGER, TODAY, person=MANAGER.staff_id, majors=True)
        officers = issue_list(conn, OFFICER_2, TODAY, person="O2")
        review = open_serious_issues(conn, as_of=TODAY, scope=Scope())
    assert mine["severity"].tolist() == ["major"]  # assigned to O1, on the manager's list all the same
    assert officers.empty
    assert review["severity"].tolist() == ["major", "important"]  # the newer major first


def test_a_second_issue_on_the_same_loan_is_flagged_repeated(book: Engine) -> None:
    record_visit(book, OFFICER, replace(VISIT, issues=[IssueFound("general", "一")]), "t1", today=TODAY)
    record_visit(
        book,
        OFFICER,
        replace(VISIT, visited_on=D("2025-03-12"), issues=[IssueFound("important", "二")]),
        "t2",
        today=TODAY,
    )
    record_visit(
        book,
        OFFICER_2,
        replace(VISIT, loan_id="X", issues=[IssueFound("general", "别的贷款")]),
        "t3",
        today=TODAY,
    )
    with book.connect() as conn:
        frame = issue_list(conn, Actor("a", "auditor"), TODAY)
    flags = {(row.loan_id, row.description): row.repeated for row in frame.itertuples()}
    assert flags == {("A", "一"): False, ("A", "二"): True, ("X", "别的贷款"): False}


def test_record_accuracy_counts_corrected_records_and_satisfaction_is_the_mean(book: Engine) -> None:
    first = record_visit(book, OFFICER, replace(VISIT, satisfaction=5), "t1", today=TODAY).record_key
    record_visit(book, OFFICER, replace(VISIT, satisfaction=2), "t2", today=TODAY)
    record_visit(book, OFFICER, VISIT, "t3", today=TODAY)  # no score: not in the mean
    record_visit(book, OFFICER_2, replace(VISIT, loan_id="X", satisfaction=4), "t4", today=TODAY)
    correct_visit(book, OFFICER, first, "还款正常，已核对合同", None, 4, "漏记合同编号", "t5")
    with book.connect() as conn:
        stored = conn.execute(select(Visit.content, Visit.satisfaction).where(Visit.visit_id == first)).one()
        # The correction is audited at the real clock's time: an as-of date before it does not count it yet.
        frame = visit_quality(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=clock.today(), scope=Scope()
        )
        uncorrected = visit_quality(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=TODAY, scope=Scope()
        )
        before = visit_quality(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-04"), scope=Scope()
        )
    assert tuple(stored) == ("还款正常，已核对合同", 4)
    rows = frame.set_index("staff_id")
    assert rows.loc["O1", ["branch_id", "visits", "corrected", "rated"]].tolist() == ["B11", 3, 1, 2]
    assert rows.loc["O1", "accuracy"] == Decimal(2) / Decimal(3)
    assert rows.loc["O1", "satisfaction"] == Decimal(3)  # (4 + 2) / 2 after the correction
    assert rows.loc["O2", ["branch_id", "accuracy", "satisfaction"]].tolist() == [
        "B2",
        Decimal(1),
        Decimal(4),
    ]
    assert uncorrected.set_index("staff_id").loc["O1", "corrected"] == 0
    assert before.empty  # visits dated after the as-of date are not yet counted


def test_a_correction_needs_a_reason_and_the_loan_in_scope(book: Engine) -> None:
    visit_id = record_visit(book, OFFICER, VISIT, "t1", today=TODAY).record_key
    with pytest.raises(FormInvalid) as refused:
        correct_visit(book, OFFICER, visit_id, "改", None, None, " ", "t2")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(NotAllowed):
        correct_visit(book, OFFICER_2, visit_id, "改", None, None, "理由", "t3")
