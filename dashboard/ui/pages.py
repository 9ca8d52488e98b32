"""The pages of the dashboard, in menu order. A page is listed once its script exists in pages/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    url_path: str
    hidden: bool = False


PAGES = [
    PageSpec("overview.py", "page.overview", ":material/dashboard:", "overview"),
    PageSpec("portfolio.py", "page.portfolio", ":material/monitoring:", "portfolio"),
    PageSpec("overdue.py", "page.overdue", ":material/alarm:", "overdue"),
    PageSpec("inspections.py", "page.inspections", ":material/fact_check:", "inspections"),
    PageSpec("agencies.py", "page.agencies", ":material/handshake:", "agencies"),
    PageSpec("staff.py", "page.staff", ":material/badge:", "staff"),
    PageSpec("weekly.py", "page.weekly", ":material/event_note:", "weekly"),
    PageSpec("loans.py", "page.loans", ":material/list:", "loans"),
    PageSpec("loan.py", "page.loan", ":material/description:", "loan", hidden=True),
]


def available() -> list[PageSpec]:
    return [page for page in PAGES if (PAGES_DIR / page.file).is_file()]
