"""End to end in a real browser (Playwright driving Debian's headless chromium) against the app started on a
free port over a seeded SQLite database: the risk manager signs in through the real form, opens every page
of the role, filters by branch, records a visit and finds it on the loan card, and signs out; the cookie
signs a reload back in until then; five wrong passwords make the next attempt wait. A screenshot of each
step goes to artifacts/browser/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from dashboard.auth.signin import COOKIE_NAME
from dashboard.i18n import translate
from dashboard.ui.pages import for_role
from db.models import Loan
from tests.browser.app import (
    MAIN,
    ROOT,
    choose,
    heading,
    launch,
    nav_titles,
    need_chromium,
    no_exception,
    open_select,
    running_app,
    seed,
    settle,
    sign_in,
    submit_sign_in,
)

SHOTS = ROOT / "artifacts" / "browser"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of one app for the module: seeding 300 loans takes a while."""
    need_chromium()
    folder = tmp_path_factory.mktemp("browser")
    database = seed(folder / "postloan.db")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_app(database, folder / "streamlit.log") as started:
        yield started, database


@pytest.fixture
def base(server: tuple[str, str]) -> str:
    return server[0]


@pytest.fixture
def database(server: tuple[str, str]) -> str:
    return server[1]


@pytest.fixture
def page(base: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        yield context.new_page()
        browser.close()


def shot(page: Any, name: str) -> None:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


def _metric(page: Any, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_risk_manager_end_to_end(base: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/?lang=en")
    page.get_by_role("textbox", name="Username").wait_for(timeout=60_000)
    shot(page, "01-sign-in")
    sign_in(page, base, "risk")
    assert heading(page) == "Portfolio overview"
    no_exception(page)
    shot(page, "02-signed-in")

    # The menu lists exactly the role's pages (the hidden loan card aside).
    expected = [translate(p.title_key, "en") for p in for_role("risk_manager") if not p.hidden]
    assert nav_titles(page) == expected
    for n, spec in enumerate(p for p in for_role("risk_manager") if not p.hidden):
        page.locator("[data-testid='stSidebarNavLink']").filter(
            has_text=translate(spec.title_key, "en")
        ).click()
        settle(page)
        heading(page)
        no_exception(page)
        assert page.get_by_text("Page not found").count() == 0
        shot(page, f"03-page-{n:02d}-{spec.url_path}")

    # A filter: a branch, kept in the URL; the figures follow it.
    page.locator("[data-testid='stSidebarNavLink']").filter(has_text="Overview").click()
    assert heading(page) == "Portfolio overview"
    everything = _metric(page, "Active loans")
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Branch")
    open_select(box)
    page.get_by_role("option").last.click()  # a leaf branch: the first options are "All" and the root
    settle(page)
    assert "branch=" in page.url
    no_exception(page)
    assert _metric(page, "Active loans") != everything
    shot(page, "04-filtered-by-branch")

    # A reload starts a new session: the cookie signs it back in. The browser writes the cookie when the
    # component drawn for it runs; one dropped by a quick click elsewhere is drawn again a few seconds later.
    for _ in range(60):
        if any(c["name"] == COOKIE_NAME for c in page.context.cookies()):
            break
        page.wait_for_timeout(500)
    else:
        raise AssertionError("the sign-in cookie never reached the browser")
    page.reload()
    # The sign-in form shows first; the cookie signs the session in on the run after the browser reads it,
    # which under load comes later than one settle.
    expect(page.locator(f"{MAIN} h1").first).to_have_text("Portfolio overview", timeout=60_000)
    # The heading can arrive before the sidebar's button in the same script run (seen under load in a full
    # test run): wait for the button rather than count it at once.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(1, timeout=30_000)

    page.get_by_role("button", name="Sign out").click()
    settle(page)
    # Deleting the cookie causes one more script run, and under load in CI the notice was seen twice (the
    # run before's beside the new one); what the user must see is the form and the notice.
    expect(page.get_by_role("textbox", name="Username").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("You are signed out.").first).to_be_visible(timeout=30_000)
    shot(page, "05-signed-out")
    page.reload()
    settle(page)
    # The cookie went with the sign-out: a new session gets the form, not the app.
    expect(page.get_by_role("textbox", name="Username").first).to_be_visible(timeout=30_000)
    assert page.get_by_role("button", name="Sign out").count() == 0


def test_record_a_visit_and_see_it_on_the_loan_card(base: str, database: str, page: Any) -> None:
    with create_engine(database).connect() as conn:
        loan_id = conn.execute(select(Loan.loan_id).order_by(Loan.loan_id)).scalars().first()
    note = "Browser visit 浏览器回访 **not bold** <b>not html</b>"
    sign_in(page, base, "risk")
    heading(page)
    page.goto(f"{base}/visit?loan_id={loan_id}&lang=en")
    assert heading(page) == "Record a visit"
    choose(page, "Method", "Phone")
    choose(page, "Stage", "Repayment")
    page.get_by_role("textbox", name="Content").fill(note)
    shot(page, "06-visit-form")
    page.get_by_role("button", name="Save").click()
    settle(page)
    no_exception(page)
    from playwright.sync_api import expect

    expect(page.get_by_text("Saved as ")).to_have_count(1, timeout=30_000)
    shot(page, "07-visit-saved")

    page.goto(f"{base}/loan?loan_id={loan_id}&lang=en")
    heading(page)
    no_exception(page)
    timeline = page.locator(MAIN).get_by_text(note, exact=False)
    # The table draws on a canvas; its cells are in the DOM for screen readers, not visible.
    timeline.first.wait_for(state="attached", timeout=30_000)
    shot(page, "08-loan-card-with-the-visit")


def test_a_page_outside_the_role_is_not_served(base: str, page: Any) -> None:
    sign_in(page, base, "risk")
    heading(page)
    page.goto(f"{base}/users?lang=en")
    assert heading(page) == "Not available to your role"
    assert page.get_by_text("The page “Users” is not available to your role (risk manager).").count() == 1
    assert page.get_by_role("button", name="Add a user").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    shot(page, "09-users-page-refused")
    # The role's start page by its own path, not only at the root (issue 14 item 13).
    page.goto(f"{base}/overview?lang=en")
    assert heading(page) == "Portfolio overview"
    assert page.get_by_text("Page not found").count() == 0


def test_five_wrong_passwords_make_the_next_attempt_wait(base: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/?lang=en")
    page.get_by_role("textbox", name="Username").wait_for(timeout=60_000)
    for n in range(1, 6):
        submit_sign_in(page, "collector", f"wrong password {n}")
        if n < 5:
            assert page.get_by_text("Incorrect username or password.").count() == 1
    assert page.get_by_text("Too many failed sign-ins: wait until", exact=False).count() == 1
    shot(page, "10-locked")
    # A growing delay, not a lock: once the first wait (a second) is over, the real user gets in.
    page.wait_for_timeout(1_500)
    sign_in(page, base, "collector")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(1, timeout=30_000)
