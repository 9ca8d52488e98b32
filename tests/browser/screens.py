"""Every page of every role in a real browser: each demo user signs in through the form and opens each page of
their navigation; a page that shows an exception fails the test. Each page is opened in both languages by
the first role that has it, and in one language (alternating) by the others, so every page is seen in
Chinese and English and every role in both, at about half the page loads. The screenshots go
to artifacts/screenshots/<role>/ to look at. The roles are split over two test modules (test_screens_*.py)
so the two halves run on two workers at once, each with its own app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from dashboard.ui.pages import for_role
from db.models import Loan
from tests.browser.app import ROOT, heading, launch, need_chromium, no_exception, running_app, seed, sign_in

SHOTS = ROOT / "artifacts" / "screenshots"
# demo username -> role (seed/users.py)
USERS = {
    "manager": "manager",
    "risk": "risk_manager",
    "officer": "officer",
    "collector": "collector",
    "agency": "agency",
    "auditor": "auditor",
    "admin": "admin",
    "preservation": "asset_preservation",
}


@pytest.fixture(scope="module")
def screens_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need_chromium()
    folder = tmp_path_factory.mktemp("screens")
    database = seed(folder / "postloan.db")
    with running_app(database, folder / "streamlit.log") as base:
        yield base, database


@pytest.fixture(scope="module")
def screens_browser(screens_server: tuple[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = launch(p)
        yield launched
        launched.close()


def languages(username: str, url_path: str, n: int) -> tuple[str, ...]:
    """The languages `username` opens its n-th page in."""
    first = next(u for u in USERS if url_path in {spec.url_path for spec in for_role(USERS[u])})
    if first == username:
        return ("en", "zh")
    return (("en", "zh")[(n + list(USERS).index(username)) % 2],)


def every_page_renders(server: tuple[str, str], browser: Any, username: str) -> None:
    base, database = server
    with create_engine(database).connect() as conn:
        loan_id = conn.execute(select(Loan.loan_id).order_by(Loan.loan_id)).scalars().first()
    folder = SHOTS / USERS[username]
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    sign_in(page, base, username)
    pages = for_role(USERS[username])
    assert pages
    for n, spec in enumerate(pages):
        for language in languages(username, spec.url_path, n):
            query = f"lang={language}" + (f"&loan_id={loan_id}" if spec.url_path == "loan" else "")
            # Every page at its own path, the role's first page too (issue 14 item 13).
            page.goto(f"{base}/{spec.url_path}?{query}")
            heading(page)
            no_exception(page)
            assert page.get_by_text("Page not found").count() == 0, f"{spec.file} ({language})"
            shot = folder / f"{spec.url_path}-{language}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
    context.close()
