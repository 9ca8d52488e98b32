"""The pages open on the data date, warn when the as-of date is after it, and a visit saved today moves
neither the date nor a figure (issue 14, items 1 and 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.cli import main
from dashboard.kpi.data_dates import IMPORT_ACTOR, record_data_date
from tests.conftest import url_of
from tests.kpi.book import D
from tests.web.conftest import PAGES, TEST_ENV, app
from tests.web.test_visit_form import RISK

FORM = "visit_B"


def _record(engine: Engine, day: str) -> None:
    with engine.begin() as conn:
        record_data_date(conn, data_date=D(day), source="import", detail="test", actor=IMPORT_ACTOR)


def _overview(**query: str) -> AppTest:
    at = app(**query).run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_pages_open_on_the_recorded_data_date(app_db: Engine) -> None:
    _record(app_db, "2025-03-25")  # later than the last repayment (2025-03-20): none came in since
    at = _overview(lang="en")
    assert at.date_input(key="as_of").value == D("2025-03-25")
    assert "Data through 2025-03-25" in [c.value for c in at.sidebar.caption]
    assert not at.warning


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "As of 2025-04-10 is after the data date 2025-03-20: repayments after 2025-03-20 are missing"),
        ("zh", "统计日 2025-04-10 晚于数据日期 2025-03-20：2025-03-20 之后的还款尚未导入"),
    ],
)
def test_an_as_of_after_the_data_date_warns_on_the_page(app_db: Engine, lang: str, expected: str) -> None:
    at = _overview(lang=lang, as_of="2025-04-10")
    assert at.date_input(key="as_of").value == D("2025-04-10")
    assert [w.value for w in at.warning if expected in w.value], [w.value for w in at.warning]
    # Back on the data date, the warning goes.
    at.date_input(key="as_of").set_value(D("2025-03-20")).run()
    assert not at.exception and not at.warning
    # Every page that reads the as-of date says it, not only the overview.
    at = _overview(lang=lang, as_of="2025-04-10")
    at.switch_page(str(PAGES / "portfolio.py")).run()
    assert not at.exception
    assert [w.value for w in at.warning if expected in w.value]


def test_a_visit_saved_today_changes_no_dashboard_figure(app_db: Engine) -> None:
    """The defect: a risk officer saved one visit dated today and every dashboard jumped to today, where no
    repayments exist. The data date stays; so does every figure on the overview."""
    before = _overview(lang="en")
    as_of, figures = before.date_input(key="as_of").value, _metrics(before)
    assert as_of == D("2025-03-20")

    form = app(actor=RISK, lang="en", loan_id="B").run()
    form.switch_page(str(PAGES / "visit_form.py")).run()
    assert form.date_input(key=f"{FORM}_visited_on").value == clock.today()
    form.selectbox(key=f"{FORM}_method").set_value("phone")
    form.selectbox(key=f"{FORM}_stage").set_value("repayment")
    form.text_area(key=f"{FORM}_content").input("电话回访，客户称下周还款")
    form.button(key=f"{FORM}_submit").click().run()
    assert not form.exception and form.success[0].value.startswith("Saved as V")

    after = _overview(lang="en")
    assert after.date_input(key="as_of").value == as_of
    assert _metrics(after) == figures
    assert not after.warning


def test_the_demo_opens_on_yesterday(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` seeds without --as-of: its data date is yesterday in the lender's time zone, so a new user
    records today's visit against current data."""
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    assert main(["seed", "--loans", "40", "--if-empty"]) == 0
    st.cache_resource.clear()
    st.cache_data.clear()
    at = _overview(lang="en")
    assert at.date_input(key="as_of").value == clock.today() - timedelta(days=1)
    assert not at.warning
    assert _metrics(at)["Active loans"] != "0"
