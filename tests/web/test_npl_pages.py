"""The NPL disposal pages (issue 18) under AppTest: the written-off book for an asset-preservation officer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine, insert, select, update
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from db.models import LegalCase, Loan, Restructuring, Staff
from tests.kpi.book import D, pay
from tests.web.conftest import PAGES, app, sign_in
from tests.web.test_issues_work import error_next_to

AP = Actor("ap1", "asset_preservation", name="AP1", staff_id="C1", branch_id="B1")


def _page(file: str, actor: Actor = AP, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / file)).run()


def test_the_written_off_book_shows_the_branch_write_offs_and_recoveries(app_db: Engine) -> None:
    with app_db.begin() as conn:
        conn.execute(update(Loan).where(Loan.loan_id.in_(["B", "C"])).values(written_off_on=D("2025-03-01")))
        pay(conn, "B", None, "2025-03-01", "100")  # on the day: lowers what is written off
        pay(conn, "B", None, "2025-03-02", "30", "2")  # after: recovered
    at = _page("writeoffs.py", lang="en")
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    # C is in B2, outside the officer's subtree B1.
    assert tiles["Written-off loans"] == "1"
    assert tiles["Principal written off"] == "¥2,900.00"
    assert tiles["Recovered since write-off"] == "¥32.00"
    assert list(at.dataframe[0].value["loan_id"]) == ["B"]
    assert "My recoveries this year" not in tiles  # C1 is a phone collector, not asset-preservation staff


def test_an_asset_preservation_officer_sees_recoveries_against_target(app_db: Engine) -> None:
    with app_db.begin() as conn:
        conn.execute(
            insert(Staff).values(
                staff_id="AP1",
                name="AP1",
                role="asset_preservation",
                branch_id="B1",
                joined_on=D("2015-01-01"),
            )
        )
    _written_off(app_db, "B")
    at = _page("writeoffs.py", replace(AP, staff_id="AP1"), lang="en")
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["My recoveries this year"], tiles["Target"], tiles["Progress"]) == (
        "¥0.00",
        "¥500,000.00",
        "0.00%",
    )


def _written_off(engine: Engine, *loans: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(Loan).where(Loan.loan_id.in_(loans)).values(written_off_on=D("2025-03-01")))


def test_an_officer_opens_a_case_and_moves_it_to_judgment(app_db: Engine) -> None:
    _written_off(app_db, "B")
    at = _page("legal.py", lang="en", loan_id="B")
    assert not at.exception
    form = "legal_B___new__"
    at.selectbox(key=f"{form}_stage").set_value("filed")
    at.button(key=f"FormSubmitter:{form}-Save the case").click().run()
    assert not at.exception
    assert error_next_to(at, f"{form}_filed_on") == "A case past preparing has a filing date"
    at.date_input(key=f"{form}_filed_on").set_value(D("2025-03-10"))
    at.text_input(key=f"{form}_claimed").input("2,000")
    at.button(key=f"FormSubmitter:{form}-Save the case").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        (case_id, stage, claimed) = conn.execute(
            select(LegalCase.case_id, LegalCase.stage, LegalCase.claimed)
        ).one()
    assert (stage, claimed) == ("filed", Decimal("2000.00"))
    at.selectbox(key="legal_case_B").set_value(case_id).run()
    moved = f"legal_B_{case_id}"
    assert at.selectbox(key=f"{moved}_stage").value == "filed"
    at.selectbox(key=f"{moved}_stage").set_value("judgment")
    at.text_input(key=f"{moved}_awarded").input("1500")
    at.button(key=f"FormSubmitter:{moved}-Save the case").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        assert conn.execute(select(LegalCase.stage)).scalar_one() == "judgment"
    assert list(at.dataframe[-1].value["to_stage"]) == ["filed", "judgment"]


def test_a_loan_outside_the_scope_has_no_form(app_db: Engine) -> None:
    at = _page("legal.py", lang="en", loan_id="A")  # not written off, no legal case
    assert not at.exception
    assert any("A" in e.value for e in at.error)
    assert [b.key for b in at.button] == ["auth_sign_out"]


OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")


def test_a_restructuring_proposed_by_an_officer_approved_by_a_risk_manager(app_db: Engine) -> None:
    at = _page("restructure.py", OFFICER, lang="en")
    assert not at.exception
    at.text_input(key="restructure_loan_id").input("B")
    at.date_input(key="restructure_restructured_on").set_value(D("2025-03-18"))
    at.button(key="FormSubmitter:restructure-Propose").click().run()
    assert not at.exception
    assert error_next_to(at, "restructure_reason") == "Required"
    at.text_area(key="restructure_reason").input("income fell; term extended by 12 months")
    at.button(key="FormSubmitter:restructure-Propose").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "restructure_decide_approve"]  # officers do not approve

    at = _page("restructure.py", RM, lang="en")
    assert {m.label: m.value for m in at.metric}["Under observation"] == "0"
    at.text_area(key="restructure_decide_comment").input("terms checked")
    at.button(key="restructure_decide_approve").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        assert conn.execute(select(Restructuring.loan_id)).scalar_one() == "B"
        # B (38 DPD, special mention by DPD) is substandard on the portfolio page's figures.
        figures = portfolio(conn, as_of=D("2025-03-20"), scope=Scope(), config=Config())
    assert figures.balance_by_class["substandard"] == Decimal("3000.00")
    at.run()
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["Under observation"], tiles["Restructured balance"]) == ("1", "¥3,000.00")


def test_the_staff_page_and_weekly_review_show_the_assessment(app_db: Engine) -> None:
    for file in ("staff.py", "weekly.py"):
        at = _page(file, RM, lang="en")
        assert not at.exception
        headers = [h.value for h in at.subheader]
        assert "Asset preservation: recovered this year against target" in headers
        assert "NPL reduction this year by branch" in headers


def test_the_loan_card_shows_the_case_and_links_to_the_npl_forms(app_db: Engine) -> None:
    _written_off(app_db, "B")
    with app_db.begin() as conn:
        conn.execute(
            insert(LegalCase).values(
                case_id="LC1",
                loan_id="B",
                stage="judgment",
                filed_on=D("2025-03-05"),
                claimed=Decimal("3000"),
            )
        )
    at = _page("loan.py", lang="en", loan_id="B")
    assert not at.exception
    assert "Legal cases" in [h.value for h in at.subheader]
    cases = next(d.value for d in at.dataframe if "case_id" in d.value.columns)
    assert list(cases["stage"]) == ["judgment"]
    links = {link.label for link in at.get("page_link")}
    assert {"Legal cases", "Restructuring", "Record a collection action"} <= links


PROPOSER = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="HQ")
APPROVER = Actor("r2", "risk_manager", name="R2", staff_id="R2", branch_id="B2")


def test_a_write_off_proposed_and_approved_on_the_written_off_book(app_db: Engine) -> None:
    with app_db.begin() as conn:
        conn.execute(
            insert(Staff).values(
                staff_id="R2", name="R2", role="risk_manager", branch_id="B2", joined_on=D("2015-01-01")
            )
        )
    at = _page("writeoffs.py", PROPOSER, lang="en")
    assert not at.exception
    assert at.info[-1].value == "No write-off is waiting for approval."
    at.text_input(key="writeoff_loan_id").input("C")  # loss by override, 5,000 outstanding
    at.date_input(key="writeoff_written_off_on").set_value(D("2025-03-20"))
    at.text_input(key="writeoff_amount").input("5000.01")
    at.text_area(key="writeoff_reason").input("borrower deceased, estate empty")
    at.button(key="FormSubmitter:writeoff-Propose").click().run()
    assert not at.exception
    assert error_next_to(at, "writeoff_amount") == (
        "5000.01 is above the loan's outstanding principal of 5000.00 on 2025-03-20"
    )
    at.text_input(key="writeoff_amount").input("5000")
    at.button(key="FormSubmitter:writeoff-Propose").click().run()
    assert not at.exception
    pending = next(d.value for d in at.dataframe if "proposal_id" in d.value.columns)
    assert list(pending["loan_id"]) == ["C"]
    # The proposer may not approve their own proposal.
    at.text_area(key="writeoff_decide_comment").input("mine")
    at.button(key="writeoff_decide_approve").click().run()
    assert not at.exception
    assert (
        error_next_to(at, "writeoff_decide_id")
        == "You proposed this: another risk manager must approve or reject it"
    )
    with app_db.connect() as conn:
        assert conn.execute(select(Loan.written_off_on).where(Loan.loan_id == "C")).scalar_one() is None

    at = _page("writeoffs.py", APPROVER, lang="en")
    assert {m.label: m.value for m in at.metric}["Written-off loans"] == "0"
    at.text_area(key="writeoff_decide_comment").input("estate checked, nothing to recover")
    at.button(key="writeoff_decide_approve").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        assert conn.execute(select(Loan.written_off_on).where(Loan.loan_id == "C")).scalar_one() == D(
            "2025-03-20"
        )
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["Written-off loans"], tiles["Principal written off"]) == ("1", "¥5,000.00")
    assert at.info[-1].value == "No write-off is waiting for approval."

    card = _page("loan.py", APPROVER, lang="en", loan_id="C")
    assert not card.exception
    assert "Write-off proposals" in [h.value for h in card.subheader]
    history = next(d.value for d in card.dataframe if "decision_comment" in d.value.columns)
    assert list(history["status"]) == ["Approved"]


def test_legal_cases_uploaded_by_asset_preservation(app_db: Engine) -> None:
    _written_off(app_db, "B")
    at = _page("upload.py", lang="en")
    assert not at.exception
    assert at.selectbox(key="upload_kind").options == ["Collection actions", "Legal cases"]
    at.selectbox(key="upload_kind").set_value("legal_cases").run()
    text = (
        "case_id,loan_id,filed_on,court,case_number,stage,claimed,awarded,recovered,costs,lawyer,agency_id,"
        "next_hearing_on,note\n"
        "LC9,B,2025-03-10,朝阳法院,,filed,2900,,,,,,,\n"
    )
    at.file_uploader(key="upload_file").set_value(("cases.csv", text.encode(), "text/csv"))
    at.run()
    at.button(key="upload_submit").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == "Uploaded 1 record(s): Legal cases 1"
    with app_db.connect() as conn:
        assert conn.execute(select(LegalCase.stage).where(LegalCase.case_id == "LC9")).scalar_one() == "filed"
