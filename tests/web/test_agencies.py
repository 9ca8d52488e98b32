"""Agencies page: the engine's scorecard, month picker, recall flags, trend, fees, both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.scope import Scope
from dashboard.ui.widgets import money, percent
from tests.kpi.book import D, act, pay, place
from tests.web.conftest import PAGES, app


@pytest.fixture
def agencies_db(app_db: Engine) -> Engine:
    """A1 holds B from 1 Mar (1,010 recovered, a field visit); A2 held C in February only, untouched."""
    with app_db.begin() as conn:
        place(conn, "B", "A1", "2025-03-01", "3030")
        pay(conn, "B", 1, "2025-03-05", "1000", "10")
        act(conn, "B", "2025-03-06T10:00:00", "field_visit", agency="A1")
        place(conn, "C", "A2", "2025-02-01", "5050", recalled_on="2025-02-20")
    return app_db


def _page(**query: str):  # type: ignore[no-untyped-def]
    at = app(**query).run()
    return at.switch_page(str(PAGES / "agencies.py")).run()


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def test_scorecard_shows_the_engine_figures(agencies_db: Engine) -> None:
    at = _page(lang="en")
    assert not at.exception
    with agencies_db.connect() as conn:
        scores = {
            s.agency_id: s
            for s in agency_scores(
                conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-20"), scope=Scope()
            )
        }
    a1 = scores["A1"]
    shown = _metrics(at)
    assert shown["Cases"] == "1"
    assert shown["Recovered"] == money(a1.recovered) == "¥1,010.00"
    assert shown["Recovery rate"] == percent(a1.recovery_rate)
    assert shown["Field-visit rate"] == "100.00%"
    scorecard = at.dataframe[0].value
    assert scorecard["agency"].tolist() == ["甲催收"]
    assert scorecard["recovered"].tolist() == [1010.0]
    assert not scorecard["flag"].any()
    fees = at.dataframe[1].value
    assert fees["commission"].tolist() == [float(a1.commission), float(a1.commission)] == [101.0, 101.0]
    assert fees["agency"].tolist()[-1] == "Total"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count("Download CSV") == 3 and downloads.count("Download Excel") == 3
    assert at.dataframe[2].value["holder_id"].tolist() == ["A1"]  # the compliance figures (issue 16)
    chart = at.get("vega_lite_chart")[0].proto.spec
    assert "tooltip" in chart


def test_month_picker_changes_figures_and_flags_weak_agencies(agencies_db: Engine) -> None:
    at = _page(lang="en")
    at.selectbox(key="agencies_month").set_value((2025, 2)).run()
    assert not at.exception
    assert _metrics(at)["Cases"] == "1"
    assert at.dataframe[0].value["agency"].tolist() == ["乙催收"]
    assert at.dataframe[0].value["flag"].tolist() == [True]  # no action at all: coverage 0
    assert "乙催收" in at.warning[0].value


def test_branch_filter_and_empty_state(agencies_db: Engine) -> None:
    at = _page(lang="en", branch="B2")  # C was recalled in February: nothing in March
    assert not at.exception
    assert "No agency held a case in 2025-03" in at.info[0].value


def test_chinese(agencies_db: Engine) -> None:
    at = _page()
    assert not at.exception
    assert at.title[0].value == "委外催收机构"
    assert "回收金额" in _metrics(at)
    assert at.expander[0].label == "计算口径"


def test_drill_down_from_an_agency_to_its_current_cases(agencies_db: Engine) -> None:
    at = _page(lang="en")
    link = at.dataframe[0].value["open"].tolist()
    assert link == ["loans?lang=en&as_of=2025-03-20&agency=A1"]
    cases = app(lang="en", agency="A1").run()
    cases.switch_page(str(PAGES / "loans.py")).run()
    assert not cases.exception
    assert cases.dataframe[0].value["loan_id"].tolist() == ["B"]
    # A2's placement of C was recalled on 20 Feb: it has no current cases.
    none = app(lang="en", agency="A2").run()
    none.switch_page(str(PAGES / "loans.py")).run()
    assert "Nothing to show" in none.info[0].value
