"""The home page renders the KPI engine's figures for the chosen date."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.web import money, percent
from tests.conftest import url_of
from tests.kpi.book import D, loan, pay, reference

APP = str(Path(__file__).parents[2] / "app.py")


@pytest.fixture
def app_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", [("2025-02-10", "1000", "10"), ("2025-03-10", "2000", "10")])
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        loan(conn, "B", "5000", "2025-01-10", [("2025-02-10", "5000", "10")])
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    st.cache_resource.clear()
    st.cache_data.clear()
    return engine


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_shows_the_engine_figures(app_db: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.date_input(key="as_of").value == D("2025-02-10")  # the latest date in the data
    with app_db.connect() as conn:
        expected = portfolio(conn, D("2025-02-10"), Scope(), Config())
    shown = _metrics(at)
    assert shown["Balance 贷款余额"] == money(expected.balance) == "¥7,000.00"
    assert shown["Overdue ratio 逾期率"] == percent(expected.overdue_ratio)


def test_changing_the_date_changes_the_figures(app_db: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.date_input(key="as_of").set_value(D("2025-02-09")).run()
    assert _metrics(at)["Balance 贷款余额"] == "¥8,000.00"
    assert _metrics(at)["Overdue ratio 逾期率"] == "0.00%"


def test_empty_date_says_why(app_db: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.date_input(key="as_of").set_value(D("2024-01-01")).run()
    assert not at.exception
    assert "No active loans" in at.info[0].value
