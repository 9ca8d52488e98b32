"""Classification page (issue 15): an officer proposes a class not better than the DPD floor with a reason
and triggers, refused next to the fields otherwise; a risk manager of the branch, not the proposer,
approves it from the pending list and the figures move; the loan's classification history shows who
proposed and who approved."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.testing import app_test
from db.models import AuditEntry, ClassificationOverride, ClassificationProposal, Inspection, Staff
from tests.kpi.book import D
from tests.web.conftest import PAGES, app, sign_in
from tests.web.test_issues_work import error_next_to

RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RM2 = Actor("r2", "risk_manager", name="R2", staff_id="R2", branch_id="HQ")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
FORM = "propose_B_0"


def _page(actor: Actor = OFFICER, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / "override_form.py")).run()


def _proposals(engine: Engine) -> list[tuple]:
    p = ClassificationProposal
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(p.loan_id, p.classification, p.triggers, p.status))]


def _second_risk_manager(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Staff).values(
                staff_id="R2", name="R2", role="risk_manager", branch_id="HQ", joined_on=D("2015-01-01")
            )
        )


def test_a_proposal_refused_at_its_fields_then_saved_pending(app_db: Engine) -> None:
    at = _page(lang="en", loan_id="B")
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("Class on 2025-03-20", "Special mention"),
        ("DPD floor (38 DPD)", "Special mention"),
    ]
    assert at.selectbox(key=f"{FORM}_classification").options == ["Substandard", "Doubtful", "Loss"]
    at.selectbox(key=f"{FORM}_classification").set_value("doubtful")
    at.text_area(key=f"{FORM}_reason").input("  ")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert error_next_to(at, f"{FORM}_reason") == "Required"
    assert error_next_to(at, f"{FORM}_triggers") == "Tick at least one trigger"
    assert _proposals(app_db) == []
    at.multiselect(key=f"{FORM}_triggers").select("guarantor_incapable").select("other")
    at.text_area(key=f"{FORM}_reason").input("担保人失联，经营停止")
    at.button(key=f"{FORM}_submit").click().run()
    assert error_next_to(at, f"{FORM}_other_trigger") == "Describe the other trigger"
    at.text_input(key=f"{FORM}_other_trigger").input("实际控制人出境")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert _proposals(app_db) == [("B", "doubtful", "guarantor_incapable,other", "pending")]
    history = at.dataframe[0].value
    assert history[["classification", "status", "proposed_by"]].values.tolist() == [
        ["Doubtful", "Pending", "O1"]
    ]
    assert at.metric[0].value == "Special mention"  # nothing changes before approval


def test_approved_from_the_pending_list_moves_the_figures_and_shows_in_the_history(app_db: Engine) -> None:
    _second_risk_manager(app_db)
    at = _page(RM, lang="en", loan_id="B")
    at.selectbox(key=f"{FORM}_classification").set_value("substandard")
    at.multiselect(key=f"{FORM}_triggers").select("business_stopped")
    at.text_area(key=f"{FORM}_reason").input("停产")
    at.button(key=f"{FORM}_submit").click().run()
    assert _proposals(app_db) == [("B", "substandard", "business_stopped", "pending")]
    # The proposer sees it pending, and may not approve it.
    pending = next(d.value for d in at.dataframe if "proposed_class" in d.value.columns)
    assert pending[["loan_id", "dpd", "balance", "current_class", "proposed_class"]].values.tolist() == [
        ["B", 38, 3000.0, "Special mention", "Substandard"]
    ]
    at.text_area(key="decide_comment").input("ok")
    at.button(key="decide_approve").click().run()
    assert (
        error_next_to(at, "decide_id") == "You proposed this: another risk manager must approve or reject it"
    )
    assert _proposals(app_db)[0][3] == "pending"
    # Another risk manager of the branch approves it.
    at = _page(RM2, lang="en", loan_id="B")
    at.text_area(key="decide_comment").input("同意")
    at.button(key="decide_approve").click().run()
    assert not at.exception
    assert _proposals(app_db)[0][3] == "approved"
    assert at.metric[0].value == "Substandard"
    history = at.dataframe[0].value
    assert history[["classification", "status", "proposed_by", "decided_by"]].values.tolist() == [
        ["Substandard", "Approved", "R1", "R2"]
    ]
    with app_db.connect() as conn:
        figures = portfolio(conn, as_of=D("2025-03-20"), scope=Scope(), config=Config())
        audited = conn.execute(select(AuditEntry.username, AuditEntry.table_name)).all()
        effective = conn.execute(
            select(ClassificationOverride.effective_on).where(ClassificationOverride.loan_id == "B")
        )
        assert effective.scalars().all() == [D("2025-03-20")]
    assert figures.count_by_class["substandard"] == 1
    assert [tuple(a) for a in audited] == [
        ("r1", "classification_proposals"),
        ("r2", "classification_proposals"),
        ("r2", "classification_overrides"),
    ]


def test_loss_offers_nothing_better_than_the_floor_and_out_of_scope_refused(app_db: Engine) -> None:
    manager_of_b2 = Actor("r2", "risk_manager", name="R2", staff_id="R1", branch_id="B2")
    at = _page(manager_of_b2, lang="en", loan_id="C")  # C: 66 DPD, overridden to loss from 2025-03-01
    assert not at.exception
    assert at.metric[0].value == "Loss"
    # A lift back toward the floor (special mention at 66 DPD) is offered; nothing better than it.
    assert at.selectbox(key="propose_C_1_classification").options == [
        "Special mention",
        "Substandard",
        "Doubtful",
    ]
    at = _page(lang="en", loan_id="C")  # officer O1 does not manage C
    assert at.error[0].value == "Loan C is not one of yours (or does not exist)"
    assert not at.metric


def test_typed_loan_id_and_other_roles(app_db: Engine) -> None:
    at = _page(lang="en")
    at.text_input(key="override_loan").input("B").run()
    assert at.metric[0].value == "Special mention"
    assert not [b for b in at.button if b.key == "decide_approve"]  # officers propose, never approve
    # A manager's navigation has no such page; run the page on its own to see that it refuses all the same.
    at = app_test(str(PAGES / "override_form.py"), 60)
    at.session_state["lang"] = "en"
    at = sign_in(at, Actor("m1", "manager", branch_id="HQ")).run()
    assert at.error[0].value == "Only risk managers and account officers may propose a classification."
    assert not at.metric


def test_proposals_from_risk_signal_inspections(app_db: Engine) -> None:
    with app_db.begin() as conn:
        conn.execute(
            insert(Inspection).values(
                inspection_id="I-RISK",
                loan_id="B",
                kind="special",
                done_on=D("2025-03-15"),
                method="onsite",
                staff_id="O1",
                funds_use_ok=False,
                risk_signal=True,
                notes="**资金挪用** <i>x</i>",
            )
        )
    at = _page(RM, lang="en")
    assert not at.exception
    proposals = next(d.value for d in at.dataframe if "findings" in d.value.columns)
    assert proposals["loan_id"].tolist() == ["B"]
    assert proposals["findings"].tolist() == ["**资金挪用** <i>x</i>"]
    # A date as a date, not as epoch milliseconds under a text column (issue 14 item 9).
    assert proposals["done_on"].tolist() == ["2025-03-15"]
    link = proposals["open"].tolist()[0]
    assert link.startswith("override?") and "loan_id=B" in link and "inspection_id=I-RISK" in link
    # Opened from that link, the proposal keeps the inspection.
    at = _page(lang="en", loan_id="B", inspection_id="I-RISK")
    at.selectbox(key=f"{FORM}_classification").set_value("loss")
    at.multiselect(key=f"{FORM}_triggers").select("funds_misused")
    at.text_area(key=f"{FORM}_reason").input("资金挪用")
    at.button(key=f"{FORM}_submit").click().run()
    with app_db.connect() as conn:
        assert conn.execute(select(ClassificationProposal.inspection_id)).scalars().all() == ["I-RISK"]


def test_the_loan_card_shows_the_classification_history(app_db: Engine) -> None:
    """C's override came with the extract (approved by the core system); B's proposal is pending."""
    at = _page(lang="en", loan_id="B")
    at.selectbox(key=f"{FORM}_classification").set_value("loss")
    at.multiselect(key=f"{FORM}_triggers").select("fraud")
    at.text_area(key=f"{FORM}_reason").input("欺诈")
    at.button(key=f"{FORM}_submit").click().run()
    for loan_id, expected in (
        ("B", [["Loss", "Pending", "O1"]]),
        ("C", [["Loss", "Approved by the core system", "R1"]]),
    ):
        at = sign_in(app(lang="en", loan_id=loan_id), Actor("m", "manager")).run()
        at.switch_page(str(PAGES / "loan.py")).run()
        assert not at.exception
        history = next(d.value for d in at.dataframe if "decided_by" in d.value.columns)
        assert history[["classification", "status", "proposed_by"]].values.tolist() == expected
