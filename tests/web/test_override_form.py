"""Override page: the loan's class and only worse classes offered; a valid save moves the figures; a better
class (after someone else's override) and a blank reason are refused next to their fields, input kept."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.testing import app_test
from db.models import AuditEntry, ClassificationOverride, Inspection
from tests.kpi.book import D, override
from tests.web.conftest import PAGES, app, sign_in
from tests.web.test_issues_work import error_next_to

RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
FORM = "override_B_0"


def _page(actor: Actor = RM, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / "override_form.py")).run()


def _overrides(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    ClassificationOverride.loan_id,
                    ClassificationOverride.effective_on,
                    ClassificationOverride.classification,
                    ClassificationOverride.reason,
                ).order_by(ClassificationOverride.loan_id, ClassificationOverride.effective_on)
            )
        ]


def test_valid_override_saved_and_counted(app_db: Engine) -> None:
    at = _page(lang="en", loan_id="B")
    assert not at.exception
    assert at.metric[0].label == "Class on 2025-03-20" and at.metric[0].value == "Special mention"
    assert at.selectbox(key=f"{FORM}_classification").options == ["Substandard", "Doubtful", "Loss"]
    assert at.date_input(key=f"{FORM}_effective_on").value == D("2025-03-20")
    at.selectbox(key=f"{FORM}_classification").set_value("doubtful")
    at.text_area(key=f"{FORM}_reason").input("担保人失联，经营停止")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert ("B", D("2025-03-20"), "doubtful", "担保人失联，经营停止") in _overrides(app_db)
    assert at.success[0].value == "Override saved (B:2025-03-20)"
    # The class is read again after the save, and the portfolio counts the loan in it.
    assert at.metric[0].value == "Doubtful"
    assert at.selectbox(key="override_B_1_classification").options == ["Loss"]  # the next one is a new form
    assert at.dataframe[0].value["reason"].tolist()[0] == "担保人失联，经营停止"
    with app_db.connect() as conn:
        figures = portfolio(conn, as_of=D("2025-03-20"), scope=Scope(), config=Config())
        audited = conn.execute(select(AuditEntry.username, AuditEntry.record_key)).all()
    assert figures.count_by_class["doubtful"] == 1
    assert [tuple(a) for a in audited] == [("r1", "B:2025-03-20")]


def test_better_class_and_blank_reason_refused_next_to_fields(app_db: Engine) -> None:
    at = _page(lang="en", loan_id="B")
    before = _overrides(app_db)
    # Another risk manager moves B to loss after this page offered substandard and worse.
    with app_db.begin() as conn:
        override(conn, "B", "2025-03-05", "loss")
    at.selectbox(key=f"{FORM}_classification").set_value("substandard")
    at.text_area(key=f"{FORM}_reason").input("  ")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert error_next_to(at, f"{FORM}_classification") == (
        "The loan is already Loss on 2025-03-20; an override may only move it to a worse class"
    )
    assert error_next_to(at, f"{FORM}_reason") == "Required"
    assert _overrides(app_db) == sorted([*before, ("B", D("2025-03-05"), "loss", "担保人失联")])
    # What the user chose stays in the form.
    assert at.selectbox(key=f"{FORM}_classification").value == "substandard"


def test_date_problems_refused_and_input_kept(app_db: Engine) -> None:
    at = _page(lang="en", loan_id="B")
    at.date_input(key=f"{FORM}_effective_on").set_value(D("2025-01-05"))
    at.text_area(key=f"{FORM}_reason").input("经营异常")
    at.button(key=f"{FORM}_submit").click().run()
    assert error_next_to(at, f"{FORM}_effective_on") == "2025-01-05 is before 2025-01-10"
    assert at.text_area(key=f"{FORM}_reason").value == "经营异常"
    assert at.date_input(key=f"{FORM}_effective_on").value == D("2025-01-05")
    assert ("B", D("2025-01-05")) not in [o[:2] for o in _overrides(app_db)]


def test_loss_offers_nothing_and_out_of_scope_refused(app_db: Engine) -> None:
    manager_of_b2 = Actor("r2", "risk_manager", name="R2", staff_id="R1", branch_id="B2")
    at = _page(manager_of_b2, lang="en", loan_id="C")  # C is overridden to loss from 2025-03-01
    assert not at.exception
    assert at.metric[0].value == "Loss"
    assert "there is no worse class" in at.info[0].value
    assert not [b for b in at.button if b.key and b.key.startswith("override_C")]
    at = _page(lang="en", loan_id="C")  # the RM of B1 does not cover C
    assert at.error[0].value == "Loan C is not one of yours (or does not exist)"
    assert not at.metric


def test_typed_loan_id_and_other_roles(app_db: Engine) -> None:
    at = _page(lang="en")
    at.text_input(key="override_loan").input("B").run()
    assert at.metric[0].value == "Special mention"
    # A manager's navigation has no such page; run the page on its own to see that it refuses all the same.
    at = app_test(str(PAGES / "override_form.py"), 60)
    at.session_state["lang"] = "en"
    at = sign_in(at, Actor("m1", "manager", branch_id="HQ")).run()
    assert at.error[0].value == "Only risk managers may override a classification."
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
    at = _page(lang="en")
    assert not at.exception
    proposals = at.dataframe[0].value
    assert proposals["loan_id"].tolist() == ["B"]
    assert proposals["findings"].tolist() == ["**资金挪用** <i>x</i>"]
    # A date as a date, not as epoch milliseconds under a text column (issue 14 item 9).
    assert proposals["done_on"].tolist() == ["2025-03-15"]
    assert proposals["open"].tolist()[0].startswith("override?") and "loan_id=B" in proposals["open"][0]


def test_an_effective_date_below_the_old_minimum_is_refused_not_replaced(app_db: Engine) -> None:
    """Issue 14 item 2: 1999-12-31 (before the widget's old min_value) was replaced by the as-of date and
    saved; now it is refused under the field and nothing is written."""
    before = _overrides(app_db)
    at = _page(lang="en", loan_id="B")
    at.date_input(key=f"{FORM}_effective_on").set_value(D("1999-12-31"))
    at.selectbox(key=f"{FORM}_classification").set_value("doubtful")
    at.text_area(key=f"{FORM}_reason").input("担保人失联")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception and not at.success
    assert error_next_to(at, f"{FORM}_effective_on") == "1999-12-31 is before 2025-01-10"
    assert _overrides(app_db) == before
