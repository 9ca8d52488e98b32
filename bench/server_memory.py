"""Peak memory of the Streamlit server while one user clicks through every page, for bench/scale.py.

Starts `streamlit run dashboard/app.py` on a free port over DATABASE_URL (as tests/browser/app.py does), adds
a temporary manager with a random password through `postloan user add`, signs in through the real form
with Playwright driving /usr/bin/chromium, opens every page of the manager's menu and a loan card, and reads
the server's VmHWM (peak resident set) from /proc. The user and the rows its sign-in wrote are deleted
afterwards.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete

from dashboard.i18n import translate
from dashboard.ui.pages import for_role
from db.data_version import bump_data_version
from db.models import FormSubmission, LoginAttempt, User

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
MAIN = "[data-testid='stMainBlockContainer']"
COOKIE_KEY = "bench-cookie-key-not-a-secret-0123456789"
MANAGER_OPTIONS = ["--name", "Bench", "--role", "manager", "--password-stdin"]
ServerMemoryTimes = tuple[float, list[tuple[str, float]]]  # sign-in seconds, (page, seconds)


@dataclass(frozen=True)
class ServerMemory:
    start_mb: float  # resident set once the server answers its health check
    peak_mb: float  # VmHWM of the server and its children at the end of the click-through
    sign_in_s: float
    pages: list[tuple[str, float]]  # page title, seconds from the click to the end of its script run

    @property
    def total_s(self) -> float:
        return self.sign_in_s + sum(s for _, s in self.pages)


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            pids += _tree(int(child))
    return pids


def _mb(pid: int, field: str) -> float:
    return sum(_status_kb(p, field) for p in _tree(pid)) / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(database_url: str, log: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "POSTLOAN_COOKIE_KEY": COOKIE_KEY,
        "POSTLOAN_LOGIN_SLEEP": "0",
    }
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"the app did not start within two minutes; see {log}")
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def bench_user(engine: Engine, database_url: str) -> Iterator[tuple[str, str]]:
    """A manager over the whole book with a random password, added with `postloan user add`; deleted
    afterwards with its sign-in attempts (its audit rows stay, in the audit log's hash chain)."""
    username = f"bench.{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(18)
    added = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "user", "add", username, *MANAGER_OPTIONS],
        input=password + "\n",
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if added.returncode:
        raise RuntimeError(f"postloan user add: {added.stderr.strip()}")
    try:
        yield username, password
    finally:
        # Its audit rows stay: deleting them would break the audit log's hash chain (`postloan audit verify`).
        with engine.begin() as conn:
            conn.execute(delete(FormSubmission).where(FormSubmission.username == username))
            conn.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
            conn.execute(delete(User).where(User.username == username))
            bump_data_version(conn, state=False)


def _settle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=600_000)
    page.wait_for_selector(f"{MAIN} h1", timeout=600_000)


def _check(page: Any, what: str) -> None:
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{what}: {page.locator('[data-testid=stException]').first.inner_text()[:500]}")


def _click_through(page: Any, base: str, username: str, password: str, loan_id: str) -> ServerMemoryTimes:
    page.goto(f"{base}/?lang=en")
    page.get_by_role("textbox", name="Username").wait_for(timeout=120_000)
    start = time.perf_counter()
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=600_000)
    _settle(page)
    sign_in = time.perf_counter() - start
    _check(page, "sign-in")
    timed = []
    for spec in (p for p in for_role("manager") if not p.hidden):
        title = translate(spec.title_key, "en")
        start = time.perf_counter()
        page.locator("[data-testid='stSidebarNavLink']").filter(has_text=title).first.click()
        _settle(page)
        timed.append((title, time.perf_counter() - start))
        _check(page, title)
    start = time.perf_counter()
    page.goto(f"{base}/loan?loan_id={loan_id}&lang=en")  # a new session: the cookie signs it in
    _settle(page)
    timed.append(("Loan card (opened by URL)", time.perf_counter() - start))
    _check(page, "loan card")
    return sign_in, timed


def measure(engine: Engine, database_url: str, loan_id: str) -> ServerMemory | str:
    """The click-through's memory and times, or why it was skipped."""
    if not Path(CHROMIUM).exists():
        return "skipped: no chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: playwright is not installed"
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "streamlit.log"
        with (
            bench_user(engine, database_url) as (username, password),
            _server(database_url, log) as (base, pid),
        ):
            start_mb = _mb(pid, "VmRSS")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                try:
                    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
                    context.set_default_timeout(600_000)
                    sign_in, pages = _click_through(context.new_page(), base, username, password, loan_id)
                finally:
                    browser.close()
            peak_mb = _mb(pid, "VmHWM")
    return ServerMemory(start_mb, peak_mb, sign_in, pages)


def table(result: ServerMemory | str) -> list[str]:
    if isinstance(result, str):
        return [result]
    lines = [
        f"Server resident set: {result.start_mb:.0f} MB once started, **peak {result.peak_mb:.0f} MB** "
        f"(VmHWM of the server process and its children) after one manager signed in through the form "
        f"and opened every page of the menu and a loan card in headless chromium: "
        f"{result.total_s:.1f} s in all.",
        "",
        "| step | time (click to the end of the script run, with a fixed 0.3 s wait for the run to start) |",
        "|---|---|",
        f"| sign in (lands on the overview) | {result.sign_in_s:.2f} s |",
        *(f"| {title} | {seconds:.2f} s |" for title, seconds in result.pages),
    ]
    return lines
