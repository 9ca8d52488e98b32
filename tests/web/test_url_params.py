"""Every query parameter a page reads is checked (issue 14 item 16): junk in any of them gives a message
naming the parameter, in the user's language, and the page falls back as if it were absent; a value from
the URL is shown as plain text, never as Markdown."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.i18n import translate
from dashboard.ui.pages import for_role
from dashboard.ui.params import shown
from tests.web.conftest import PAGES, app

RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
# Junk for each parameter: unknown values, Markdown, a date that does not exist, one out of range.
FILTER_JUNK = {
    "branch": "NOPE",
    "product": "**P9**",
    "channel": "[x](http://evil.example)",
    "officer": "O1:red[x]",
    "as_of": "2025-02-31",
}
# The manager's pages, except the loan card and the forms of another change (their loan_id).
MANAGER_PAGES = [p.file for p in for_role("manager") if p.file not in {"loan.py"}]


def _bad(at, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.value for w in at.warning if f"“{name}”" in w.value]


@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_junk_filters_in_the_link_are_named_and_ignored_on_every_page(app_db: Engine, page: str) -> None:
    at = app(lang="en", **FILTER_JUNK).run()
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception
    for name, value in FILTER_JUNK.items():
        (message,) = _bad(at, name)
        assert "not valid and was ignored" in message
        assert shown(value) in message, "shown as plain text, not Markdown"
    assert at.date_input(key="as_of").value.isoformat() == "2025-03-20"
    assert all(at.selectbox(key=name).value is None for name in ("branch", "product", "channel", "officer"))


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "20250320", "yesterday"])
def test_an_as_of_out_of_range_or_malformed_is_refused(app_db: Engine, as_of: str) -> None:
    at = app(lang="en", as_of=as_of).run()
    assert not at.exception
    assert _bad(at, "as_of")
    assert at.date_input(key="as_of").value.isoformat() == "2025-03-20"


def test_an_unknown_language_is_named_in_the_default_language(app_db: Engine) -> None:
    at = app(lang="xx").run()
    assert not at.exception
    assert any("链接中参数“lang”" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("name", "junk"),
    [("bucket", "M9"), ("classification", "**loss**"), ("agency", "NOPE"), ("agency", "x" * 500)],
)
def test_loan_list_parameters(app_db: Engine, name: str, junk: str) -> None:
    at = app(lang="en", **{name: junk}).run()
    at.switch_page(str(PAGES / "loans.py")).run()
    assert not at.exception
    (message,) = _bad(at, name)
    assert shown(junk) in message  # escaped for Markdown, a long value cut
    # Ignored: the whole book is listed.
    assert sorted(at.dataframe[0].value["loan_id"]) == ["A", "B", "C"]


def test_loan_list_filter_caption_is_plain_text(app_db: Engine) -> None:
    at = app(lang="en", bucket="M2").run()
    at.switch_page(str(PAGES / "loans.py")).run()
    assert not at.exception and not at.warning
    assert at.dataframe[0].value["loan_id"].tolist() == ["B"]


@pytest.mark.parametrize("junk", ["x" * 41, "L1\nL2", "\u0007"])
def test_issue_id_in_the_link(app_db: Engine, junk: str) -> None:
    at = app(lang="en", issue_id=junk).run()
    at.switch_page(str(PAGES / "issues_work.py")).run()
    assert not at.exception
    assert _bad(at, "issue_id")


def test_unknown_issue_id_is_shown_as_plain_text(app_db: Engine) -> None:
    at = app(lang="en", issue_id="**I9**").run()
    at.switch_page(str(PAGES / "issues_work.py")).run()
    assert not at.exception
    assert any("\\*\\*I9\\*\\*" in w.value for w in at.warning)


@pytest.mark.parametrize("junk", ["x" * 41, "L1\nL2"])
def test_override_loan_id_in_the_link(app_db: Engine, junk: str) -> None:
    at = app(RM, lang="en", loan_id=junk).run()
    at.switch_page(str(PAGES / "override_form.py")).run()
    assert not at.exception
    assert not at.get("form")
    assert [e.value for e in at.error] == [
        translate(
            "work.err.bad_loan_id",
            "en",
            loan_id=plain(junk.replace("\n", "?")[:40] + ("…" if len(junk) > 40 else "")),
            max=40,
        )
    ]


def test_override_form_shows_the_links_loan_id_as_plain_text(app_db: Engine) -> None:
    at = app(RM, lang="en", loan_id="**B**[x](http://evil.example)").run()
    at.switch_page(str(PAGES / "override_form.py")).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "\\*\\*B\\*\\*\\[x\\]\\(http" in error
