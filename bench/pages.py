"""Time every dashboard page's script run, cold cache and warm, on the database of DATABASE_URL.

    DATABASE_URL=sqlite:///data/postloan.db .venv/bin/python bench/pages.py [--repeat 3] [--results FILE]

Writes the table to bench/RESULTS.md (the section for this database) and prints it. Each run is signed in
as a manager over the whole book (the session state the AppTest tests seed), so it times the dashboard pages
a manager's menu lists; the work forms are left out. bench/scale.py times the same pages with time_pages.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st
from sqlalchemy import func, select

from dashboard.actor import Actor
from dashboard.testing import app_test
from dashboard.ui.pages import PAGES_DIR, for_role
from dashboard.ui.session import ACTOR_KEY
from db.engine import make_engine
from db.models import Loan

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
RESULTS = ROOT / "bench" / "RESULTS.md"
MANAGER = Actor("manager", "manager", name="Manager")  # branch_id None: the whole book
# The dashboard pages; the work forms (find, issues, audit) are not what the bench is about.
DASHBOARD_PAGES = (
    "overview.py",
    "portfolio.py",
    "overdue.py",
    "inspections.py",
    "agencies.py",
    "staff.py",
    "weekly.py",
    "loans.py",
    "loan.py",
)
# The app refuses to start without a cookie key; the bench never signs in through the form, so any key does.
BENCH_ENV = {"POSTLOAN_COOKIE_KEY": "bench-cookie-key-not-a-secret-0123456789", "POSTLOAN_LOGIN_SLEEP": "0"}


def _time_page(page: str, query: dict[str, str], cold: bool) -> float:
    if cold:
        st.cache_data.clear()
    at = app_test(APP, 300)
    at.session_state[ACTOR_KEY] = MANAGER
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(str(PAGES_DIR / page))
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return elapsed


@dataclass(frozen=True)
class PageTimes:
    page: str
    cold: list[float]
    warm: list[float]


def time_pages(repeat: int, sample_loan: str) -> list[PageTimes]:
    """Each dashboard page of a manager's menu, `repeat` cold runs then `repeat` warm runs."""
    timed = []
    for page in (page for page in for_role(MANAGER.role) if page.file in DASHBOARD_PAGES):
        query = {"lang": "en"} | ({"loan_id": sample_loan} if page.file == "loan.py" else {})
        cold = [_time_page(page.file, query, cold=True) for _ in range(repeat)]
        warm = [_time_page(page.file, query, cold=False) for _ in range(repeat)]
        timed.append(PageTimes(page.file, cold, warm))
        print(
            f"{page.file:18s} cold {statistics.median(cold):6.3f} s (max {max(cold):.3f})  "
            f"warm {statistics.median(warm):6.3f} s"
        )
    return timed


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def set_bench_env() -> None:
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to write")
    args = parser.parse_args()
    set_bench_env()
    engine = make_engine()
    with engine.connect() as conn:
        loans = conn.execute(select(func.count()).select_from(Loan)).scalar_one()
        sample_loan = conn.execute(select(Loan.loan_id).order_by(Loan.loan_id).limit(1)).scalar_one()
    rows = [
        (t.page, statistics.median(t.cold), max(t.cold), statistics.median(t.warm))
        for t in time_pages(args.repeat, sample_loan)
    ]
    backend = engine.dialect.name
    section = [
        f"## Pages on {backend}, {loans:,} loans",
        "",
        f"{date.today()} · commit {commit()} · {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · median of {args.repeat} runs "
        "of the page's script (entry script with sign-in, the filters + the page), through AppTest, "
        "signed in as a manager over the whole book; "
        "cold = st.cache_data cleared before the run.",
        "",
        "| page | cold (median) | cold (max) | warm (median) |",
        "|---|---|---|---|",
        *(f"| {p} | {c:.3f} s | {m:.3f} s | {w:.3f} s |" for p, c, m, w in rows),
        "",
    ]
    write_section(section[0], "\n".join(section), args.results)


def write_section(heading: str, text: str, results: Path = RESULTS) -> None:
    """Replace the section under `heading` in the results file (or add it at the end); keep the others."""
    existing = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n\n"
    parts = existing.split("\n## ")
    kept = [parts[0].rstrip() + "\n"] + [
        f"## {p.rstrip()}\n" for p in parts[1:] if "## " + p.split("\n", 1)[0].rstrip() != heading
    ]
    results.write_text("\n".join([*kept, text]), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
