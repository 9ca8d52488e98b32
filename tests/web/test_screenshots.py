"""Every page in a real browser: the app is started on a free port against a seeded database and each
page is opened in headless Chromium; a page that shows an exception fails the test. The screenshots are
kept in artifacts/screenshots/ to look at. Skipped when Debian's chromium is not installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.kpi.snapshots import default_dates, refresh
from dashboard.ui.pages import available
from seed import generate, write_to_database
from tests.conftest import url_of

ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AS_OF = date(2026, 10, 31)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sqlite_engine: Engine) -> Iterator[str]:
    write_to_database(sqlite_engine, generate(n_loans=300, seed=3, as_of=AS_OF))
    with sqlite_engine.begin() as conn:
        refresh(conn, default_dates(AS_OF))
    port = _free_port()
    env = os.environ | {"DATABASE_URL": url_of(sqlite_engine)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
            pytest.fail("the app did not start within a minute")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_every_page_renders_in_chromium(server: str) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    loan = "L00000001"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for index, spec in enumerate(available()):
            path = "" if index == 0 else spec.url_path  # the default page is served at the root
            for language in ("en", "zh"):
                query = f"lang={language}" + (f"&loan_id={loan}" if spec.file == "loan.py" else "")
                page.goto(f"{server}/{path}?{query}")
                page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                shot = SHOTS / f"{spec.url_path}-{language}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert page.locator("[data-testid='stException']").count() == 0, f"{spec.file} ({language})"
                assert page.get_by_text("Page not found").count() == 0, f"{spec.file} ({language})"
                assert shot.stat().st_size > 10_000
        browser.close()
