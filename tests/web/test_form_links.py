"""Issue 14 item 10: the loan card's links to record a visit, an inspection or an action carry the loan, and
the form opens for it without retyping; a loan id in the URL that is unknown, outside the user's scope or not
a contract number at all gets a message as plain text (never Markdown, never a traceback) and no form."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.i18n import translate
from db.models import CollectionAction, Inspection, Visit
from tests.web.conftest import PAGES, app

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
FORMS = {"visit": "visit_form.py", "inspect": "inspection_form.py", "action": "action_form.py"}
MARKDOWN = "**B**[x](https://example.com):red[y]"


def follow(at: AppTest, label: str) -> AppTest:
    """Click the loan card's link with this label: its page, with its query string."""
    link = next(x for x in at.get("page_link") if x.proto.label == label)
    for key in list(at.query_params):
        del at.query_params[key]
    for pair in link.proto.query_string.split("&"):
        key, _, value = pair.partition("=")
        at.query_params[key] = value
    at.query_params["lang"] = "en"
    return at.switch_page(str(PAGES / FORMS[link.proto.page])).run()


def card(actor: Actor, loan_id: str) -> AppTest:
    at = app(actor=actor, lang="en", loan_id=loan_id).run()
    return at.switch_page(str(PAGES / "loan.py")).run()


def count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_each_link_opens_its_form_for_the_loan_and_saves_on_it(app_db: Engine) -> None:
    at = follow(card(OFFICER, "B"), "Record a visit")
    assert not at.exception
    assert not [x for x in at.text_input if x.key == "visit_loan"]  # nothing to retype
    at.selectbox(key="visit_B_method").set_value("phone")
    at.selectbox(key="visit_B_stage").set_value("repayment")
    at.text_area(key="visit_B_content").input("电话回访")
    at.button(key="visit_B_submit").click().run()
    assert at.success[0].value.startswith("Saved as V")
    with app_db.connect() as conn:
        assert conn.execute(select(Visit.loan_id).where(Visit.content == "电话回访")).scalar_one() == "B"

    at = follow(card(OFFICER, "B"), "Record an inspection")
    assert not at.exception
    assert at.get("form") and at.selectbox(key="insp_B_kind")
    before = count(app_db, Inspection)
    at.selectbox(key="insp_B_kind").set_value("periodic")
    at.selectbox(key="insp_B_method").set_value("phone")
    at.text_area(key="insp_B_findings").input("正常")
    at.button(key="insp_B_submit").click().run()
    assert at.success and count(app_db, Inspection) == before + 1

    at = follow(card(OFFICER, "B"), "Record a collection action")
    assert not at.exception
    assert at.caption[0].value == "Loan B"
    assert not [x for x in at.text_input if x.key == "action_loan_id"]
    before = count(app_db, CollectionAction)
    at.selectbox(key="action_channel").set_value("call")
    at.date_input(key="action_date").set_value(date(2025, 3, 20))  # the book's last day: not in the future
    at.time_input(key="action_time").set_value(time(10, 0))
    at.selectbox(key="action_result").set_value("no_answer")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert not at.exception and at.success
    with app_db.connect() as conn:
        loans = conn.execute(
            select(CollectionAction.loan_id).where(CollectionAction.staff_id == "O1")
        ).scalars()
        assert list(loans) == ["B"]
    assert count(app_db, CollectionAction) == before + 1


@pytest.mark.parametrize(
    "page", ["visit_form.py", "inspection_form.py", "action_form.py", "override_form.py"]
)
@pytest.mark.parametrize(
    ("loan_id", "key"),
    [
        ("NOPE", "work.err.loan_out_of_scope"),  # unknown
        ("C", "work.err.loan_out_of_scope"),  # branch B2: outside both users' scope
        (MARKDOWN, "work.err.loan_out_of_scope"),
        ("A\x00B", "work.err.bad_loan_id"),  # a driver error on PostgreSQL if it reached the database
        ("L" * 500, "work.err.bad_loan_id"),
    ],
)
def test_a_bad_loan_id_in_the_url_is_a_plain_message_and_no_form(
    app_db: Engine, page: str, loan_id: str, key: str
) -> None:
    actor = RISK if page in ("override_form.py", "inspection_form.py", "visit_form.py") else OFFICER
    at = app(actor=actor, lang="en", loan_id=loan_id).run()
    at = at.switch_page(str(PAGES / page)).run()
    assert not at.exception
    assert not at.get("form")
    errors = [e.value for e in at.error]
    if key == "work.err.loan_out_of_scope":
        assert errors == [translate(key, "en", loan_id=plain(loan_id))]
    else:
        shown = plain(loan_id.replace("\x00", "?")[:40] + ("…" if len(loan_id) > 40 else ""))
        assert errors == [translate(key, "en", loan_id=shown, max=40)]
    # Shown as text: every Markdown character of the id is escaped.
    assert "**B**" not in errors[0] and "](" not in errors[0] and ":red[" not in errors[0]
