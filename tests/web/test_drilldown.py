"""From a figure to the loans behind it, and from a loan to its card."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.web.conftest import PAGES, app


def test_loan_list_filtered_by_bucket(app_db: Engine) -> None:
    at = app(lang="en", bucket="M2").run()
    at.switch_page(str(PAGES / "loans.py")).run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert frame["loan_id"].tolist() == ["B"]
    assert frame["open"].tolist() == ["loan?lang=en&as_of=2025-03-20&loan_id=B"]


def test_loan_list_respects_the_branch_filter(app_db: Engine) -> None:
    at = app(lang="en", branch="B2").run()
    at.switch_page(str(PAGES / "loans.py")).run()
    assert at.dataframe[0].value["loan_id"].tolist() == ["C"]


def test_loan_card(app_db: Engine) -> None:
    at = app(lang="en", loan_id="B").run()
    at.switch_page(str(PAGES / "loan.py")).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["DPD"] == "38"
    assert metrics["Outstanding principal"] == "¥3,000.00"
    frames = [t.value for t in at.dataframe]
    (schedule,) = [f for f in frames if "remaining" in f.columns]
    assert schedule["remaining"].tolist() == [1010.0, 1010.0, 1010.0]
    # The card's tables with a kind: the class by DPD floor over time, and the work history.
    kinds = [set(f["kind"]) for f in frames if "kind" in f.columns]
    assert {"Collection action", "Visit", "Issue"} in kinds and {"DPD floor"} in kinds


def test_unknown_loan_says_so(app_db: Engine) -> None:
    at = app(lang="en", loan_id="ZZZ").run()
    at.switch_page(str(PAGES / "loan.py")).run()
    assert not at.exception
    assert "No loan with contract number ZZZ" in at.warning[0].value
