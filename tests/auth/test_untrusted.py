"""Untrusted text: injection and markup strings typed into the forms are stored by the services as they
are and shown literally, in dataframe cells (never rendered as Markdown or HTML) on the loan card, the
issues page and the weekly review; search text reaches SQL only as a bound parameter."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard.config import Config
from dashboard.work.errors import FormInvalid
from dashboard.work.overrides import decide_proposal, propose_override
from dashboard.work.search import search_loans
from dashboard.work.visits import IssueFound, VisitForm, record_visit
from db.models import Issue, Loan, Visit
from tests.auth.conftest import OFFICER_O1, RISK_B1
from tests.web.conftest import PAGES, app

LONG = "长" * 1000 + "x" * 1000  # 2,000 characters: the longest a text field takes
PAYLOADS = [
    "'; DROP TABLE loans; --",
    "<script>alert(1)</script>",
    "**bold** _it_ [link](https://example.com) :red[red] $x^2$ # heading",
    "مرحبا بالعالم",
    "emoji 😀👍🏽🏦 and 中文",
    LONG,
]
TODAY = date(2025, 3, 20)
# Every element that renders its text as Markdown.
MARKDOWN = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")


@pytest.fixture
def typed(app_db: Engine) -> Engine:
    for n, text in enumerate(PAYLOADS):
        record_visit(
            app_db,
            OFFICER_O1,
            VisitForm(
                "B",
                date(2025, 3, 10),
                "phone",
                "repayment",
                text,
                feedback=text,
                satisfaction=3,
                issues=[IssueFound("major", text)],
            ),
            token=f"visit-{n}",
            today=TODAY,
        )
    proposed = propose_override(
        app_db, OFFICER_O1, "B", "loss", PAYLOADS[2], ["other"], PAYLOADS[1], "ovr", Config(), today=TODAY
    )
    decide_proposal(app_db, RISK_B1, int(proposed.record_key), True, PAYLOADS[0], "ok", Config(), today=TODAY)
    return app_db


def _cells(at: AppTest) -> list[str]:
    return [str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()]


def _assert_shown_as_text(at: AppTest, payloads: list[str]) -> None:
    assert not at.exception
    cells = _cells(at)
    for text in payloads:
        assert any(text in cell for cell in cells), f"{text[:30]!r} is not in any table cell"
        for kind in MARKDOWN:
            for element in getattr(at, kind):
                value = str(getattr(element, "value", ""))
                assert text not in value, f"{text[:30]!r} rendered by st.{kind}"


def test_stored_exactly_as_typed(typed: Engine) -> None:
    with typed.connect() as conn:
        contents = set(conn.execute(select(Visit.content)).scalars())
        descriptions = set(conn.execute(select(Issue.description).where(Issue.loan_id == "B")).scalars())
        assert conn.execute(select(func.count()).select_from(Loan)).scalar() == 3  # still there
    assert set(PAYLOADS) <= contents and set(PAYLOADS) <= descriptions


def test_loan_card_shows_them_literally(typed: Engine) -> None:
    at = app(lang="en", loan_id="B").run()
    at.switch_page(str(PAGES / "loan.py")).run()
    _assert_shown_as_text(at, PAYLOADS)


def test_issue_list_shows_them_literally(typed: Engine) -> None:
    at = app(actor=RISK_B1, lang="en").run()
    at.switch_page(str(PAGES / "issues_work.py")).run()
    _assert_shown_as_text(at, PAYLOADS)


def test_weekly_review_shows_them_literally(typed: Engine) -> None:
    at = app(lang="en").run()
    at.switch_page(str(PAGES / "weekly.py")).run()
    _assert_shown_as_text(at, PAYLOADS)


def test_text_over_the_limit_is_refused_not_cut(app_db: Engine) -> None:
    with pytest.raises(FormInvalid) as refused:
        record_visit(
            app_db,
            OFFICER_O1,
            VisitForm("B", date(2025, 3, 10), "phone", "repayment", "x" * 5000),
            token=None,
            today=TODAY,
        )
    assert refused.value.field_texts("en") == {"content": "At most 2000 characters"}
    with app_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Visit)).scalar() == 1  # the book's own


@pytest.mark.parametrize("text", ["'; DROP TABLE loans; --", "%", "_", "' OR '1'='1"])
def test_search_text_is_only_ever_a_bound_parameter(app_db: Engine, text: str) -> None:
    with app_db.connect() as conn:
        found = search_loans(conn, OFFICER_O1, text)
        assert conn.execute(select(func.count()).select_from(Loan)).scalar() == 3
    assert found.empty
