"""Issue 22 item 4: a value from the URL or typed by a user is shown as text, never as a link or image."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from tests.web.conftest import PAGES, app

OFFICER = Actor("o1", "officer", name="O1", staff_id="O1", branch_id="B11")
RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
ATTACKS = [
    "[Session expired - sign in again](https://evil.example)",
    "![x](https://evil.example/p.png)",
    "<https://evil.example>",
    ":red[x] **b**",
]
# A link or image Markdown would render: ]( not preceded by a backslash, or an autolink.
LIVE = re.compile(r"(?<!\\)\]\(|(?<!\\)<https?:|(?<!\\):red\[")


def _texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "error", "warning", "info", "success", "title", "subheader", "header")
    found: list[str] = []
    for kind in kinds:
        found += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return found


def _open(page: str, actor: Actor, **query: Any) -> AppTest:
    at = app(actor=actor, lang="en", **query).run()
    return at.switch_page(str(PAGES / page)).run()


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(
    ("page", "name", "actor"),
    [
        ("action_form.py", "loan_id", OFFICER),
        ("loans.py", "bucket", RISK),
        ("issues_work.py", "issue_id", RISK),
        ("loan.py", "loan_id", RISK),
        ("overdue.py", "branch", RISK),
    ],
)
def test_markdown_in_a_url_parameter_is_shown_as_text(
    app_db: Engine, page: str, name: str, actor: Actor, attack: str
) -> None:
    at = _open(page, actor, **{name: attack})
    assert not at.exception
    texts = _texts(at)
    assert any("evil" in t or "red" in t for t in texts), "the value is named in a message"
    for text in texts:
        assert not LIVE.search(text), text


def test_markdown_typed_into_a_form_is_shown_as_text_in_its_field_message(app_db: Engine) -> None:
    at = _open("action_form.py", OFFICER, loan_id="B")
    at.text_input(key="action_ptp_amount").set_value("[x](https://evil.example)")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert not at.exception
    texts = [e.value for e in at.error]
    assert any("evil" in t for t in texts)
    for text in texts:
        assert not LIVE.search(text), text
