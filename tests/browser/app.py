"""Running the real app for the browser tests: a seeded SQLite database, `streamlit run` on a free port,
headless Debian chromium driven by Playwright, and the steps a person takes (sign in, open a page...).

Without /usr/bin/chromium (or Playwright) the tests skip, except under CI=true, where they fail: .ci/run
installs chromium, so a missing browser there is a broken setup, not a reason to pass.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dashboard.auth.signin import COOKIE_NAME
from dashboard.i18n import TERMS

ROOT = Path(__file__).parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu"]
DEMO_PASSWORD = "browser-demo-pass-1"
COOKIE_KEY = "browser-test-cookie-key-0123456789abcdef"
MAIN = "[data-testid='stMainBlockContainer']"
SEED_AS_OF = "2026-10-31"
SIGN_IN_TITLES = TERMS["auth.title"]


def need_chromium() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run under CI: {missing}")
        pytest.skip(missing)


def seed(database: Path, loans: int = 300) -> str:
    """`postloan seed` into a fresh SQLite file, the demo users' password set; returns the URL."""
    url = f"sqlite:///{database}"
    env = os.environ | {"DATABASE_URL": url, "POSTLOAN_DEMO_PASSWORD": DEMO_PASSWORD}
    done = subprocess.run(
        # Pinned, so every run sees the same book (seed's own default is yesterday).
        [sys.executable, "-m", "dashboard.cli", "seed", "--loans", str(loans), "--as-of", SEED_AS_OF],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "demo users" in done.stdout
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(database_url: str, log: Path, **env: str) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free port; yields its base URL, stops it afterwards."""
    port = _free_port()
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "POSTLOAN_COOKIE_KEY": COOKIE_KEY,
        "POSTLOAN_LOGIN_SLEEP": "0.1",
        # Plain HTTP on the loopback: a Secure cookie would not be sent back.
        "POSTLOAN_COOKIE_SECURE": "0",
    }
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # Files edited while the tests run must not put a "File change. Rerun" prompt on the pages.
    command += ["--server.fileWatcherType", "none"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment | env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the app did not start within a minute; see {log}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def settle(page: Any, timeout: int = 60_000) -> None:
    """Wait until the script run the last action started has finished."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(300)


def heading(page: Any) -> str:
    """The page's title once it has settled. A new session with the sign-in cookie shows the sign-in form
    first and signs in on a later run, once the browser has read the cookie: wait for that run."""
    page.wait_for_selector(f"{MAIN} h1", timeout=60_000)
    settle(page)
    title = page.locator(f"{MAIN} h1").first
    signed_in_before = any(c["name"] == COOKIE_NAME for c in page.context.cookies())
    if signed_in_before and title.inner_text().strip() in SIGN_IN_TITLES:
        from playwright.sync_api import expect

        expect(title).not_to_have_text(re.compile("|".join(map(re.escape, SIGN_IN_TITLES))), timeout=60_000)
        settle(page)
    return title.inner_text().strip()


def no_exception(page: Any) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("body").inner_text()[:2000]


def submit_sign_in(page: Any, username: str, password: str) -> None:
    """Fill the sign-in form and wait for what follows: the app with its sign-out button, or a refusal."""
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").or_(page.locator("[data-testid='stAlert']")).first.wait_for(
        timeout=60_000
    )
    settle(page)


def sign_in(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/?lang=en")
    page.get_by_role("textbox", name="Username").wait_for(timeout=60_000)
    submit_sign_in(page, username, password)


def nav_titles(page: Any) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] [data-testid='stSidebarNavLink']")
    return [re.sub(r"^\S*\s*", "", t).strip() if "\n" in t else t.strip() for t in links.all_inner_texts()]


def open_select(box: Any) -> None:
    """Open a selectbox's list of options (the combobox input, whichever widget library draws it).

    A script run that starts just after the click (the sign-in cookie's re-issue, once a minute, reruns the
    page) redraws the sidebar and closes the list: open it again until its options show."""
    page = box.page
    for _ in range(5):
        box.get_by_role("combobox").first.click()
        try:
            page.get_by_role("option").first.wait_for(timeout=3_000)
            return
        except Exception:
            settle(page)
    raise AssertionError("the selectbox's options never showed")


def choose(page: Any, label: str, option: str) -> None:
    """Pick an option of the selectbox with this label (anywhere on the page)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
    open_select(box)
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)
