"""Inspections with the rule-6 checklist: rows and audit written, refusals with messages and nothing written,
the business-only box, idempotency and scope; and the overrides that risk signals propose. Both databases."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.inspections import InspectionForm, proposed_overrides, record_inspection
from db.models import AuditEntry, FormSubmission, Inspection, Setting
from tests.kpi.book import D, loan, override, pay, reference

TODAY = D("2025-03-20")
RISK = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RISK_HQ = Actor("r0", "risk_manager", name="R0", staff_id="R1", branch_id="HQ")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
CHECKLIST = (
    "funds_use_ok",
    "assets_changed",
    "job_changed",
    "income_changed",
    "family_changed",
    "health_changed",
    "illegal_or_dispute",
    "guarantor_collateral_ok",
    "business_ok",
)

GOOD = InspectionForm(loan_id="A", kind="periodic", method="onsite", done_on=D("2025-03-18"))


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Consumer loan A (B11, O1, paid up); business loan B (B11, O1, product P2); loan X (B2, O2)."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY, product="P2")
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
    return engine


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Inspection, AuditEntry, FormSubmission)
        )


def stored(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Inspection)).mappings().one())


def refused(engine: Engine, form: InspectionForm) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught:
        record_inspection(engine, RISK, form, "tok-bad", today=TODAY)
    assert counts(engine) == (0, 0, 0)
    return caught.value.field_texts("en")


def test_an_inspection_with_a_risk_signal_is_saved_and_audited(book: Engine) -> None:
    form = replace(GOOD, income_changed=True, risk_signal=True, findings="  收入下降一半  ", business_ok=True)
    saved = record_inspection(book, RISK, form, "tok-1", today=TODAY)
    row = stored(book)
    assert row["inspection_id"] == saved.record_key and saved.table == "inspections"
    assert {k: row[k] for k in ("loan_id", "kind", "method", "done_on", "staff_id", "notes")} == {
        "loan_id": "A",
        "kind": "periodic",
        "method": "onsite",
        "done_on": D("2025-03-18"),
        "staff_id": "R1",
        "notes": "收入下降一半",
    }
    assert row["risk_signal"] is True and row["income_changed"] is True and row["funds_use_ok"] is True
    assert row["assets_changed"] is False and row["guarantor_collateral_ok"] is True
    assert row["business_ok"] is None  # a consumer loan: the box is not asked, whatever was posted
    assert counts(book) == (1, 1, 1)
    with book.connect() as conn:
        audit = conn.execute(select(AuditEntry)).mappings().one()
    assert (audit["action"], audit["table_name"], audit["record_key"], audit["username"]) == (
        "insert",
        "inspections",
        saved.record_key,
        "r1",
    )
    after = json.loads(audit["after"])
    assert after["risk_signal"] is True and after["notes"] == "收入下降一半" and after["business_ok"] is None
    assert set(CHECKLIST) <= set(after)


def test_a_business_loan_stores_its_business_box(book: Engine) -> None:
    record_inspection(book, OFFICER, replace(GOOD, loan_id="B", business_ok=True), None, today=TODAY)
    row = stored(book)
    assert row["business_ok"] is True and row["staff_id"] == "O1" and row["notes"] is None


def test_a_business_loan_needs_its_business_box(book: Engine) -> None:
    assert refused(book, replace(GOOD, loan_id="B")) == {"business_ok": "Required"}


FINDINGS = "Write down what was found: a risk signal or a box says something is wrong"


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"kind": None}, "kind", "Required"),
        ({"kind": "annual"}, "kind", "Not one of the listed values"),
        ({"method": ""}, "method", "Required"),
        ({"method": "video"}, "method", "Not one of the listed values"),
        ({"done_on": None}, "done_on", "Required"),
        ({"done_on": D("2025-03-21")}, "done_on", "2025-03-21 is after today"),
        ({"done_on": D("2025-01-09")}, "done_on", "2025-01-09 is before 2025-01-10"),
        ({"risk_signal": True}, "findings", FINDINGS),
        ({"risk_signal": True, "findings": "   "}, "findings", FINDINGS),
        ({"funds_use_ok": False}, "findings", FINDINGS),
        ({"assets_changed": True}, "findings", FINDINGS),
        ({"health_changed": True}, "findings", FINDINGS),
        ({"illegal_or_dispute": True}, "findings", FINDINGS),
        ({"guarantor_collateral_ok": False}, "findings", FINDINGS),
        ({"findings": "x" * 2001}, "findings", "At most 2000 characters"),
        ({"loan_id": ""}, "loan_id", "Required"),
    ],
)
def test_each_bad_input_is_refused_with_its_message(
    book: Engine, change: dict[str, Any], field: str, text: str
) -> None:
    assert refused(book, replace(GOOD, **change)) == {field: text}


def test_business_not_ok_needs_findings_only_on_a_business_loan(book: Engine) -> None:
    assert refused(book, replace(GOOD, loan_id="B", business_ok=False)) == {"findings": FINDINGS}
    record_inspection(book, RISK, replace(GOOD, business_ok=False), None, today=TODAY)  # consumer loan A
    assert stored(book)["business_ok"] is None


def test_every_problem_is_reported_at_once(book: Engine) -> None:
    form = replace(GOOD, loan_id="B", kind="x", method=None, done_on=D("2026-01-01"), job_changed=True)
    assert set(refused(book, form)) == {"kind", "method", "done_on", "business_ok", "findings"}


def test_the_same_token_twice_writes_once(book: Engine) -> None:
    first = record_inspection(book, RISK, GOOD, "tok-twice", today=TODAY)
    second = record_inspection(book, RISK, GOOD, "tok-twice", today=TODAY)
    assert second.duplicate and second.record_key == first.record_key
    assert counts(book) == (1, 1, 1)


def test_a_loan_outside_the_scope_is_refused(book: Engine) -> None:
    with pytest.raises(NotAllowed, match="Loan A is not one of yours"):
        record_inspection(book, OFFICER_2, GOOD, "tok", today=TODAY)
    with pytest.raises(NotAllowed, match="Loan X is not one of yours"):
        record_inspection(book, RISK, replace(GOOD, loan_id="X"), "tok", today=TODAY)
    with pytest.raises(NotAllowed) as caught:
        record_inspection(book, Actor("m", "manager", staff_id="R1"), GOOD, "tok", today=TODAY)
    assert caught.value.key == "work.err.not_allowed"
    with pytest.raises(NotAllowed) as caught:
        record_inspection(book, Actor("r9", "risk_manager", branch_id="B1"), GOOD, "tok", today=TODAY)
    assert caught.value.key == "visit.err.no_staff"
    assert counts(book) == (0, 0, 0)


# --- proposals -----------------------------------------------------------------------------------------


def signal(engine: Engine, loan_id: str, done_on: str, findings: str, actor: Actor = RISK_HQ) -> None:
    form = replace(GOOD, loan_id=loan_id, done_on=D(done_on), risk_signal=True, findings=findings)
    record_inspection(engine, actor, replace(form, business_ok=True), None, today=TODAY)


def test_risk_signals_propose_overrides_until_one_is_made(book: Engine) -> None:
    signal(book, "A", "2025-03-01", "担保人失联")
    signal(book, "X", "2025-03-10", "经营停止")
    signal(book, "B", "2025-02-01", "资金挪用")
    record_inspection(book, RISK, GOOD, None, today=TODAY)  # no signal: proposes nothing
    with book.begin() as conn:
        override(conn, "B", "2025-01-20", "special_mention")  # before B's inspection: does not answer it
    with book.connect() as conn:
        proposals = proposed_overrides(conn, RISK_HQ, TODAY)
    assert proposals.columns.tolist() == [
        "loan_id",
        "done_on",
        "inspector",
        "findings",
        "inspection_id",
        "current_class",
    ]
    assert proposals["loan_id"].tolist() == ["X", "A", "B"]  # newest first
    assert proposals["done_on"].tolist() == [D("2025-03-10"), D("2025-03-01"), D("2025-02-01")]
    assert proposals["findings"].tolist() == ["经营停止", "担保人失联", "资金挪用"]
    assert proposals["inspector"].tolist() == ["R1", "R1", "R1"]
    # On 2025-03-20 A is paid up (normal); B and X are 38 days past due (special mention).
    assert proposals["current_class"].tolist() == ["special_mention", "normal", "special_mention"]

    with book.begin() as conn:
        override(conn, "A", "2025-03-05", "substandard")
    with book.connect() as conn:
        assert proposed_overrides(conn, RISK_HQ, TODAY)["loan_id"].tolist() == ["X", "B"]
        # As of a day before the override, A is still waiting for one; X was not yet inspected.
        assert proposed_overrides(conn, RISK_HQ, D("2025-03-04"))["loan_id"].tolist() == ["A", "B"]
        # Scope: a risk manager of B1 does not see X (B2); officer O2 sees only X.
        assert proposed_overrides(conn, RISK, TODAY)["loan_id"].tolist() == ["B"]
        assert proposed_overrides(conn, OFFICER_2, TODAY)["loan_id"].tolist() == ["X"]


def test_the_current_class_follows_the_configured_floors(book: Engine) -> None:
    signal(book, "B", "2025-03-15", "逾期")
    with book.connect() as conn:
        default = proposed_overrides(conn, RISK, TODAY)
        strict = proposed_overrides(conn, RISK, TODAY, config=Config(substandard_after_dpd=30))
    assert default["current_class"].tolist() == ["special_mention"]  # 38 DPD
    assert strict["current_class"].tolist() == ["substandard"]
    with book.begin() as conn:  # the settings table is read when no configuration is passed
        conn.execute(Setting.__table__.insert().values(key="substandard_after_dpd", value="30"))
    with book.connect() as conn:
        assert proposed_overrides(conn, RISK, TODAY)["current_class"].tolist() == ["substandard"]


def test_a_settled_loan_has_no_current_class_and_no_proposals_is_empty(book: Engine) -> None:
    with book.connect() as conn:
        frame = proposed_overrides(conn, RISK, TODAY)
    assert frame.empty and frame.columns.tolist()[-1] == "current_class"
    signal(book, "A", "2025-03-15", "提前结清")
    with book.begin() as conn:
        pay(conn, "A", None, "2025-03-16", "1000")
    with book.connect() as conn:
        assert proposed_overrides(conn, RISK, TODAY)["current_class"].tolist() == [None]
