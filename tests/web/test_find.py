"""The find page: finds a loan by each key within the user's scope, links to its card, says when the text is
too short or nothing matches, takes typed text literally; both languages."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from db.models import Loan
from tests.kpi.book import loan
from tests.web.conftest import PAGES, app

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")


def search(text: str, actor: Actor = RISK, **query: str) -> AppTest:
    at = app(actor=actor, **query).run()
    at.switch_page(str(PAGES / "find.py")).run()
    return at.text_input(key="find_text").input(text).run()


def test_finds_by_name_within_the_scope_and_links_to_the_card(app_db: Engine) -> None:
    at = search("王伟", lang="en")
    assert not at.exception
    assert at.title[0].value == "Find a loan"
    found = at.dataframe[0].value
    assert found["loan_id"].tolist() == ["A", "B"]  # C is 王伟's too, but in branch B2
    assert found["open"].tolist() == [
        "loan?lang=en&as_of=2025-03-20&loan_id=A",
        "loan?lang=en&as_of=2025-03-20&loan_id=B",
    ]
    assert found["id_number"].tolist() == ["1101**********1234"] * 2
    assert found["branch"].tolist() == ["朝阳支行", "朝阳支行"]


def test_finds_by_contract_number_and_id_tail(app_db: Engine) -> None:
    with app_db.begin() as conn:
        loan(conn, "L2025-77", "1000", "2025-01-10", [("2025-06-10", "1000", "10")])
    assert search("l2025", lang="en").dataframe[0].value["loan_id"].tolist() == ["L2025-77"]
    assert search("1234", OFFICER_2, lang="en").dataframe[0].value["loan_id"].tolist() == ["C"]
    at = search("B", lang="en")  # too short
    assert at.info[0].value == "Type at least 2 characters."
    assert not at.dataframe


def test_nothing_found_and_typed_text_taken_literally(app_db: Engine) -> None:
    for text in ("zzz", "'; DROP TABLE loans; --", "%%", "__", "**bold** [x](http://e.x)"):
        at = search(text, lang="en")
        assert not at.exception
        assert not at.dataframe
        assert at.info[0].value.startswith("No loan in your scope matches")
    # The escaped text renders as typed, not as bold or a link.
    assert "\\*\\*bold\\*\\*" in at.info[0].value
    with app_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Loan)).scalar_one() == 3


def test_chinese(app_db: Engine) -> None:
    at = search("王伟")
    assert not at.exception
    assert at.title[0].value == "查找贷款"
    assert at.text_input(key="find_text").label == "合同号、客户姓名或证件号后四位"
    assert at.dataframe[0].value["loan_id"].tolist() == ["A", "B"]
