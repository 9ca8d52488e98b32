"""The loan card: links to what the user's role may record, masked customer identifiers, the timeline up to
today with who recorded each entry, and a loan outside the scope treated as unknown."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.actor import Actor
from db.models import Inspection, Issue
from tests.kpi.book import act, inspect, override, visit
from tests.web.conftest import PAGES, app

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
AUDITOR = Actor("aud", "auditor", name="Aud")


def card(actor: Actor, **query: str) -> AppTest:
    at = app(actor=actor, **query).run()
    return at.switch_page(str(PAGES / "loan.py")).run()


def links(at: AppTest) -> list[tuple[str, str, str]]:
    return [(x.proto.label, x.proto.page, x.proto.query_string) for x in at.get("page_link")]


def test_links_to_what_the_role_may_record(app_db: Engine) -> None:
    assert links(card(RISK, lang="en", loan_id="B")) == [
        ("Record a visit", "visit", "loan_id=B"),
        ("Record an inspection", "inspect", "loan_id=B"),
        ("Classification override", "override", "loan_id=B"),
        ("Legal cases", "legal", "loan_id=B"),  # issue 18
        ("Restructuring", "restructure", "loan_id=B"),
        ("Written-off book", "writeoffs", "loan_id=B"),  # risk managers propose write-offs (issue 18)
    ]
    assert links(card(OFFICER, lang="en", loan_id="B")) == [
        ("Record a visit", "visit", "loan_id=B"),
        ("Record an inspection", "inspect", "loan_id=B"),
        ("Record a collection action", "action", "loan_id=B"),
        ("Classification override", "override", "loan_id=B"),  # officers propose (issue 15)
        ("Restructuring", "restructure", "loan_id=B"),  # officers propose (issue 18)
    ]
    read_only = card(AUDITOR, lang="en", loan_id="B")
    assert not read_only.exception
    assert links(read_only) == []
    assert {m.label: m.value for m in read_only.metric}["DPD"] == "38"


def test_the_link_opens_the_form_for_the_loan(app_db: Engine) -> None:
    at = card(RISK, lang="en", loan_id="B")
    at.switch_page(str(PAGES / "visit_form.py")).run()
    assert not at.exception
    assert at.get("form") and at.selectbox(key="visit_B_method")


def test_customer_identifiers_are_masked_until_unmasked(app_db: Engine) -> None:
    at = card(RISK, lang="en", loan_id="A")
    assert at.dataframe[0].value["Customer"].tolist() == ["王伟"]
    contact = at.dataframe[1].value
    assert contact["ID number"].tolist() == ["1101**********1234"]
    assert contact["Phone"].tolist() == ["138****5678"]
    at.button(key="unmask_A").click().run()
    assert not at.exception
    assert at.dataframe[1].value["Phone"].tolist() == ["13812345678"]


def test_the_timeline_shows_everything_up_to_today_newest_first_with_who(app_db: Engine) -> None:
    later = clock.today() - timedelta(days=1)  # after the as-of date of 2025-03-20
    with app_db.begin() as conn:
        visit(conn, "B", later.isoformat())
        act(conn, "B", "2025-03-16T09:30:00", "field_visit", agency="A1")
        conn.execute(update(Issue).where(Issue.loan_id == "B").values(assigned_to="R1"))
    at = card(RISK, lang="en", loan_id="B")
    assert not at.exception
    history = at.dataframe[-1].value
    assert history.columns.tolist() == ["date", "kind", "what", "by"]
    assert history["kind"].tolist() == ["Visit", "Collection action", "Collection action", "Visit", "Issue"]
    assert history["date"].tolist() == [
        later.isoformat(),
        "2025-03-16",
        "2025-03-15",
        "2025-03-01",
        "2025-03-01",
    ]
    assert history["by"].tolist() == ["O1", "甲催收", "C1", "O1", "R1"]
    assert history["what"].tolist()[1:3] == [
        "Field visit: Connected",
        "Call: Promise to pay · promise to pay ¥1,010.00 by 2025-03-25",
    ]


def test_the_timeline_reads_as_dates_and_words_not_epochs_and_codes(app_db: Engine) -> None:
    """Issue 14 item 9: dates were drawn as epoch milliseconds and the content as codes (`call: ptp`,
    `major: 问题 · open`); now dates are dates and every code is its name, in both languages."""
    with app_db.begin() as conn:
        inspect(conn, "B", "special", "2025-03-05", method="phone")
        conn.execute(
            update(Inspection).where(Inspection.loan_id == "B").values(risk_signal=True, notes="收入减半")
        )
        override(conn, "B", "2025-03-06", "doubtful")
    expected = {
        "en": [
            "Call: Promise to pay · promise to pay ¥1,010.00 by 2025-03-25",
            "→ Doubtful: 担保人失联",
            "Special check (Phone) · Risk signal 收入减半",
            "Phone: 回访",
            "Major: 问题 · open",
        ],
        "zh": [
            "电话: 承诺还款 · 承诺 2025-03-25 前还款 ¥1,010.00",
            "→ 可疑: 担保人失联",
            "专项检查 (电话) · 风险信号 收入减半",
            "电话: 回访",
            "重大: 问题 · 未解决",
        ],
    }
    for language, whats in expected.items():
        at = card(RISK, lang=language, loan_id="B")
        assert not at.exception
        history = at.dataframe[-1].value
        assert history["date"].tolist() == [
            "2025-03-15",
            "2025-03-06",
            "2025-03-05",
            "2025-03-01",
            "2025-03-01",
        ]
        assert not [cell for cell in history.to_numpy().ravel() if re.search(r"\d{10,}", str(cell))]
        assert history["what"].tolist() == whats


def test_a_loan_outside_the_scope_is_not_shown(app_db: Engine) -> None:
    at = card(OFFICER_2, lang="en", loan_id="B")
    assert not at.exception
    assert at.warning[0].value == "No loan with contract number B."
    assert not at.dataframe and not at.metric


def test_chinese(app_db: Engine) -> None:
    at = card(OFFICER)
    at.text_input(key="loan_id").input("B").run()
    assert not at.exception
    assert set(at.dataframe[-1].value["kind"]) == {"催收", "回访", "问题"}
    assert [x[0] for x in links(at)] == ["回访记录", "贷后检查记录", "催收记录", "五级分类调整", "贷款重组"]
