"""The pages of the dashboard, in menu order. A page is listed once its script exists in pages/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"


# Who reads the dashboards; officers see them over their own loans only (scope, issue 5).
DASHBOARD_ROLES = ("manager", "risk_manager", "officer", "auditor")
ALL_BUT_ADMIN = (*DASHBOARD_ROLES, "collector", "agency", "asset_preservation")
# NPL disposal (issue 18): the written-off and legal books.
NPL_ROLES = ("manager", "risk_manager", "asset_preservation", "auditor")


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    url_path: str
    hidden: bool = False
    roles: tuple[str, ...] = DASHBOARD_ROLES  # the roles whose navigation lists the page


PAGES = [
    PageSpec("overview.py", "page.overview", ":material/dashboard:", "overview"),
    PageSpec("portfolio.py", "page.portfolio", ":material/monitoring:", "portfolio"),
    PageSpec("overdue.py", "page.overdue", ":material/alarm:", "overdue", roles=ALL_BUT_ADMIN),
    PageSpec(
        "my_tasks.py",
        "page.my_tasks",
        ":material/task_alt:",
        "tasks",
        roles=("officer", "collector", "agency"),
    ),
    PageSpec("inspections.py", "page.inspections", ":material/fact_check:", "inspections"),
    PageSpec("agencies.py", "page.agencies", ":material/handshake:", "agencies"),
    PageSpec("staff.py", "page.staff", ":material/badge:", "staff"),
    PageSpec("weekly.py", "page.weekly", ":material/event_note:", "weekly"),
    PageSpec("writeoffs.py", "page.writeoffs", ":material/inventory_2:", "writeoffs", roles=NPL_ROLES),
    PageSpec("legal.py", "page.legal", ":material/balance:", "legal", roles=NPL_ROLES),
    PageSpec("loans.py", "page.loans", ":material/list:", "loans"),
    PageSpec("loan.py", "page.loan", ":material/description:", "loan", hidden=True, roles=ALL_BUT_ADMIN),
    PageSpec("find.py", "page.find", ":material/search:", "find", roles=ALL_BUT_ADMIN),
    PageSpec(
        "visit_form.py",
        "page.visit_form",
        ":material/record_voice_over:",
        "visit",
        roles=("risk_manager", "officer"),
    ),
    PageSpec(
        "inspection_form.py",
        "page.inspection_form",
        ":material/checklist:",
        "inspect",
        roles=("risk_manager", "officer"),
    ),
    PageSpec(
        "action_form.py",
        "page.action_form",
        ":material/call:",
        "action",
        roles=("officer", "collector", "agency", "asset_preservation"),
    ),
    PageSpec(
        "issues_work.py",
        "page.issues_work",
        ":material/report:",
        "issues",
        roles=("manager", "risk_manager", "officer", "auditor"),
    ),
    PageSpec(
        "warnings.py",
        "page.warnings",
        ":material/notification_important:",
        "warnings",
        roles=("manager", "risk_manager", "officer", "auditor"),
    ),
    PageSpec(
        "reminders.py",
        "page.reminders",
        ":material/notifications:",
        "reminders",
        roles=("manager", "risk_manager", "officer", "auditor"),
    ),
    PageSpec(
        "override_form.py",
        "page.override_form",
        ":material/gavel:",
        "override",
        roles=("risk_manager", "officer"),
    ),
    PageSpec(
        "restructure.py",
        "page.restructure",
        ":material/sync_alt:",
        "restructure",
        roles=("risk_manager", "officer", "asset_preservation"),
    ),
    PageSpec(
        "upload.py",
        "page.upload",
        ":material/upload_file:",
        "upload",
        roles=("agency", "risk_manager", "asset_preservation"),
    ),
    PageSpec("audit.py", "page.audit", ":material/policy:", "audit", roles=("manager", "auditor", "admin")),
    PageSpec("users.py", "page.users", ":material/manage_accounts:", "users", roles=("admin",)),
    PageSpec("settings.py", "page.settings", ":material/tune:", "settings", roles=("admin",)),
]


def for_role(role: str) -> list[PageSpec]:
    """The pages a role's navigation lists, in menu order. A page left out cannot be opened by URL either:
    st.navigation only knows the pages it is given."""
    return [page for page in PAGES if role in page.roles]


# The pages that never read the sidebar's filters (as-of date, branch, product, channel, officer).
UNFILTERED = frozenset({"audit", "users", "settings"})


def reads_filters(pages: list[PageSpec]) -> bool:
    return any(page.url_path not in UNFILTERED for page in pages)
