"""AppTest on a small hand-built book: each test gets a fresh database and empty Streamlit caches.

`app()` starts signed in as a manager over the whole book, as the dashboard tests expect; `app(actor=...)`
signs in someone else, `app(actor=None)` is signed out. The sign-in form itself is tested in tests/auth
(AppTest) and tests/browser (a real browser, with the cookie).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.testing import app_test, clear_caches
from dashboard.ui.session import ACTOR_KEY
from dashboard.ui.widgets import _xlsx
from tests.conftest import url_of
from tests.kpi.book import act, inspect, issue, loan, override, pay, reference, visit

APP = str(Path(__file__).parents[2] / "dashboard" / "app.py")
PAGES = Path(__file__).parents[2] / "pages"
# Cached functions whose result follows from their arguments alone, not from the database: kept from one
# test to the next (dashboard.testing.clear_caches), as the same book shows the same tables.
CONTENT_CACHES = (_xlsx,)
MANAGER = Actor("manager", "manager", name="Manager")  # branch_id None: the whole book
# The app refuses to start without a cookie key; the sign-in pause only slows the tests down; an error a
# page raises is shown as a reference to users and raised again for AppTest to report (dashboard/ui/errors).
TEST_ENV = {
    "POSTLOAN_COOKIE_KEY": "test-cookie-key-not-a-secret-0123456789",
    "POSTLOAN_LOGIN_SLEEP": "0",
    "POSTLOAN_RAISE_ERRORS": "1",
}


@pytest.fixture
def app_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """As of 2025-03-20 (the latest payment): A current, B 38 DPD (both B11); C 66 DPD in B2, loss."""
    monthly = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", monthly, mode="self")
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", monthly)
        loan(conn, "C", "5000", "2024-12-01", [("2025-01-13", "5000", "50")], branch="B2", officer="O2")
        override(conn, "C", "2025-03-01", "loss")
        inspect(conn, "A", "first", "2025-01-12")
        visit(conn, "B", "2025-03-01")
        issue(conn, "B", "major", "2025-03-01", reported_on="2025-03-02")
        act(
            conn,
            "B",
            "2025-03-15T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="1010",
            ptp_on="2025-03-25",
        )
        pay(conn, "C", 1, "2025-03-20", "0", "50")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    clear_caches(*CONTENT_CACHES)
    return engine


def app(actor: Actor | None = MANAGER, **query: str) -> AppTest:
    for name, value in TEST_ENV.items():
        os.environ.setdefault(name, value)
    at = app_test(APP, 60)
    for key, value in query.items():
        at.query_params[key] = value
    return sign_in(at, actor) if actor is not None else at


def sign_in(at: AppTest, actor: Actor) -> AppTest:
    """A signed-in session as the app keeps it (the sign-in flow itself is tested in a real browser)."""
    at.session_state[ACTOR_KEY] = actor
    return at
