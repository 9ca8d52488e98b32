"""The inspection form page: a risk signal saved, shown on the loan card and proposed for an override; a bad
submit shows each message under its field, keeps what was typed and writes nothing; the business-only box;
both languages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.actor import Actor
from dashboard.work.inspections import proposed_overrides
from db.models import Inspection
from tests.kpi.book import loan
from tests.web.conftest import PAGES, app
from tests.web.test_visit_form import after

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
FORM = "insp_B"


def page(actor: Actor = RISK, **query: str) -> AppTest:
    at = app(actor=actor, **query).run()
    return at.switch_page(str(PAGES / "inspection_form.py")).run()


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Inspection)).scalar_one()


def test_a_risk_signal_is_saved_shown_on_the_card_and_proposed(app_db: Engine) -> None:
    before = count(app_db)
    at = page(lang="en", loan_id="B")
    assert not at.exception
    assert at.title[0].value == "Record an inspection"
    assert not [c for c in at.checkbox if c.key == f"{FORM}_business_ok"]  # B is a consumer loan
    at.selectbox(key=f"{FORM}_kind").set_value("special")
    at.selectbox(key=f"{FORM}_method").set_value("phone")
    at.checkbox(key=f"{FORM}_income_changed").check()
    at.checkbox(key=f"{FORM}_risk_signal").check()
    at.text_area(key=f"{FORM}_findings").input("收入减半，逾期 38 天")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Saved as I")
    assert count(app_db) == before + 1
    with app_db.connect() as conn:
        row = conn.execute(select(Inspection).where(Inspection.staff_id == "R1")).mappings().one()
        proposals = proposed_overrides(conn, RISK, clock.today())
    assert (row["loan_id"], row["kind"], row["method"], row["risk_signal"]) == ("B", "special", "phone", True)
    assert (row["income_changed"], row["job_changed"], row["funds_use_ok"], row["business_ok"]) == (
        True,
        False,
        True,
        None,
    )
    assert proposals["loan_id"].tolist() == ["B"]
    assert proposals["findings"].tolist() == ["收入减半，逾期 38 天"]

    at.switch_page(str(PAGES / "loan.py")).run()
    history = at.dataframe[-1].value
    mine = history[history["by"] == "R1"]
    assert mine["kind"].tolist() == ["Inspection"]
    assert mine["what"].iloc[0] == "Special check (Phone) · Risk signal 收入减半，逾期 38 天"


def test_a_bad_submit_says_what_is_wrong_under_each_field_and_keeps_the_input(app_db: Engine) -> None:
    before = count(app_db)
    at = page(lang="en", loan_id="B")
    at.selectbox(key=f"{FORM}_method").set_value("onsite")
    at.checkbox(key=f"{FORM}_funds_misused").check()
    at.checkbox(key=f"{FORM}_illegal_or_dispute").check()
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert count(app_db) == before
    assert at.error[0].value == "2 field(s) need correcting; nothing was saved"
    assert after(at, f"{FORM}_kind").value == "Required"
    assert after(at, f"{FORM}_findings").value.startswith("Write down what was found")
    assert at.selectbox(key=f"{FORM}_method").value == "onsite"
    assert at.checkbox(key=f"{FORM}_funds_misused").value is True
    assert at.checkbox(key=f"{FORM}_illegal_or_dispute").value is True


def test_a_business_loan_asks_about_the_business(app_db: Engine) -> None:
    with app_db.begin() as conn:
        loan(conn, "BIZ", "50000", "2025-01-10", [("2026-01-10", "50000", "0")], product="P2")
    at = page(lang="en", loan_id="BIZ")
    box = at.checkbox(key="insp_BIZ_business_troubled")
    assert box.value is False and box.label.startswith("Business")
    at.selectbox(key="insp_BIZ_kind").set_value("first")
    at.selectbox(key="insp_BIZ_method").set_value("onsite")
    box.check()
    at.text_area(key="insp_BIZ_findings").input("订单下滑")
    at.button(key="insp_BIZ_submit").click().run()
    assert not at.exception and not at.error
    with app_db.connect() as conn:
        stored = conn.execute(select(Inspection.business_ok).where(Inspection.loan_id == "BIZ")).scalar_one()
    assert stored is False


def test_chinese(app_db: Engine) -> None:
    at = page(loan_id="B")
    assert not at.exception
    assert at.title[0].value == "贷后检查记录"
    assert at.selectbox(key=f"{FORM}_kind").options == ["首次检查", "定期检查", "抽查", "专项检查"]
    assert at.checkbox(key=f"{FORM}_risk_signal").label == "风险信号"


def test_an_inspection_date_after_today_refuses_the_save(app_db: Engine) -> None:
    """Issue 14 item 2, as on the visit form: the future date is refused, not replaced by today."""
    before = count(app_db)
    later = clock.today() + timedelta(days=38)
    at = page(lang="en", loan_id="B")
    at.selectbox(key=f"{FORM}_kind").set_value("periodic")
    at.selectbox(key=f"{FORM}_method").set_value("phone")
    at.text_area(key=f"{FORM}_findings").input("正常")
    at.date_input(key=f"{FORM}_done_on").set_value(later)
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception and not at.success
    assert count(app_db) == before
    assert after(at, f"{FORM}_done_on").value == f"{later} is after today"


def test_every_box_starts_unticked_and_nothing_ticked_saves_every_item_in_order(app_db: Engine) -> None:
    with app_db.begin() as conn:
        loan(conn, "BIZ", "50000", "2025-01-10", [("2026-01-10", "50000", "0")], product="P2")
    at = page(loan_id="BIZ")
    boxes = [c for c in at.checkbox if c.key != "insp_BIZ_risk_signal"]
    assert len(boxes) == 9
    assert [c.value for c in boxes] == [False] * 9
    labels = [c.label for c in boxes]
    assert "资金未按合同约定用途使用" in labels and "资金按合同约定用途使用" not in labels
    at.selectbox(key="insp_BIZ_kind").set_value("periodic")
    at.selectbox(key="insp_BIZ_method").set_value("onsite")
    at.button(key="insp_BIZ_submit").click().run()
    assert not at.exception and not at.error
    with app_db.connect() as conn:
        row = conn.execute(select(Inspection).where(Inspection.loan_id == "BIZ")).mappings().one()
    # Nothing ticked: funds used as contracted (no early warning), guarantor and business in order, nothing
    # changed.
    assert (row["funds_use_ok"], row["guarantor_collateral_ok"], row["business_ok"]) == (True, True, True)
    assert not any(row[k] for k in ("assets_changed", "job_changed", "income_changed", "illegal_or_dispute"))
