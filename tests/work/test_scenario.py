"""Issue 4's "done when", across the roles that issue 5 gives each step: the account officer records a
visit with two issues, an inspection with a risk signal and a call with a promise to pay; the risk
manager resolves one issue. Each shows on the loan card's timeline, in the audit log and in the figures
the dashboards read, on both databases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select

from dashboard.actor import Actor
from dashboard.config import load_config
from dashboard.kpi.collection import overdue_list
from dashboard.kpi.inspections import first_checks
from dashboard.kpi.issues import issue_figures
from dashboard.kpi.loan_card import timeline
from dashboard.kpi.scope import Scope
from dashboard.work.audit_query import audit_entries
from dashboard.work.collection import ActionForm, record_action
from dashboard.work.inspections import InspectionForm, proposed_overrides, record_inspection
from dashboard.work.issues import resolve
from dashboard.work.visits import IssueFound, VisitForm, record_visit
from db.models import Issue
from tests.kpi.book import D, loan, reference

TODAY = D("2025-03-20")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
RISK = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def test_a_day_of_work_on_one_loan_shows_everywhere(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)  # nothing paid: 38 days overdue on TODAY
    config = load_config(engine)
    scope = Scope(actor=RISK)
    with engine.connect() as conn:
        issues_before = issue_figures(conn, start=D("2025-03-01"), end=TODAY, as_of=TODAY, scope=scope)
        checks_before = first_checks(
            conn, start=D("2025-01-01"), end=D("2025-01-31"), as_of=TODAY, scope=scope, config=config
        )

    visit = record_visit(
        engine,
        OFFICER,
        VisitForm(
            loan_id="A",
            visited_on=D("2025-03-19"),
            method="in_person",
            stage="repayment",
            content="上门核实还款能力",
            issues=[IssueFound("major", "客户已失业"), IssueFound("general", "住址变更")],
        ),
        "tok-visit",
        today=TODAY,
    )
    inspection = record_inspection(
        engine,
        OFFICER,
        InspectionForm(
            loan_id="A",
            kind="first",
            method="onsite",
            done_on=TODAY,
            job_changed=True,
            findings="借款人失业，还款来源不足",
            risk_signal=True,
        ),
        "tok-inspection",
        today=TODAY,
    )
    call = record_action(
        engine,
        OFFICER,
        ActionForm(
            loan_id="A",
            channel="call",
            acted_at=datetime(2025, 3, 20, 10, 0),
            result="ptp",
            ptp_amount="2020.00",
            ptp_on=date(2025, 3, 27),
        ),
        "tok-call",
        config,
        now=datetime(2025, 3, 20, 10, 5),
    )
    with engine.connect() as conn:
        major = conn.execute(select(Issue.issue_id, Issue.version).where(Issue.severity == "major")).one()
    resolved = resolve(
        engine, RISK, major.issue_id, major.version, TODAY, "已转交资产保全部门", "tok-resolve", today=TODAY
    )

    with engine.connect() as conn:
        history = timeline(conn, loan_id="A", as_of=TODAY)
        audit = audit_entries(conn, Actor("au", "auditor"))
        issues_after = issue_figures(conn, start=D("2025-03-01"), end=TODAY, as_of=TODAY, scope=scope)
        checks_after = first_checks(
            conn, start=D("2025-01-01"), end=D("2025-01-31"), as_of=TODAY, scope=scope, config=config
        )
        overdue = overdue_list(conn, as_of=TODAY, scope=scope, config=config).set_index("loan_id")
        proposals = proposed_overrides(conn, RISK, TODAY, config=config)

    assert sorted(history["kind"]) == ["action", "inspection", "issue", "issue", "visit"]
    assert set(history["by"]) == {"O1"}
    assert any("2,020.00" in what for what in history["what"])

    saved = {
        (visit.table, visit.record_key),
        (inspection.table, inspection.record_key),
        (call.table, call.record_key),
        ("issues", major.issue_id),
    }
    logged = set(zip(audit["table"], audit["record"], strict=True))
    assert saved <= logged
    assert audit[audit["record"] == major.issue_id]["username"].tolist()[0] == "r1"
    assert resolved.record_key == major.issue_id

    assert (issues_after.raised, issues_after.resolved) == (
        issues_before.raised + 2,
        issues_before.resolved + 1,
    )
    assert checks_after.done == checks_before.done + 1
    assert overdue.loc["A", "last_action_on"] == TODAY
    assert overdue.loc["A", "last_result"] == "ptp"
    assert proposals["loan_id"].tolist() == ["A"]
    assert Decimal(str(overdue.loc["A", "outstanding_principal"])) == Decimal("3000")
