"""Role × page matrix (AppTest): each role's navigation lists exactly the pages of its job (issue 5's role
table, written out here by hand), a page outside it cannot be opened, and a page's figures and rows for a
restricted user are the KPI engine's for their scope, not the whole book's."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, insert
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.ui.pages import PAGES_DIR
from db.models import CollectorAssignment
from tests.auth.conftest import (
    ADMIN,
    AGENCY_A1,
    AUDITOR,
    COLLECTOR_C1,
    MANAGER_B2,
    OFFICER_O1,
    RISK_B1,
)
from tests.kpi.book import D, place
from tests.web.conftest import PAGES, app

DASHBOARDS = ["overview", "portfolio", "overdue", "inspections", "agencies", "staff", "weekly", "loans"]
ROLE_PAGES = {
    "manager": [*DASHBOARDS, "loan", "find", "issues_work", "audit"],
    "risk_manager": [
        *DASHBOARDS,
        "loan",
        "find",
        "visit_form",
        "inspection_form",
        "issues_work",
        "override_form",
        "upload",
    ],
    "officer": [*DASHBOARDS, "loan", "find", "visit_form", "inspection_form", "action_form", "issues_work"],
    "collector": ["overdue", "loan", "find", "action_form"],
    "agency": ["overdue", "loan", "find", "action_form", "upload"],
    "auditor": [*DASHBOARDS, "loan", "find", "issues_work", "audit"],
    "admin": ["audit", "users", "settings"],
}
ACTORS = {
    "manager": Actor("manager", "manager"),
    "risk_manager": RISK_B1,
    "officer": OFFICER_O1,
    "collector": COLLECTOR_C1,
    "agency": AGENCY_A1,
    "auditor": AUDITOR,
    "admin": ADMIN,
}
AS_OF = D("2025-03-20")


def _listed(at: AppTest) -> list[str]:
    # AppTest keeps the pages the last run gave st.navigation (it resolves switch_page against them).
    return [
        page["script_path"].rsplit("/", 1)[-1].removesuffix(".py") for page in at._registered_pages.values()
    ]


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_sees_exactly_its_pages(app_db: Engine, role: str) -> None:
    at = app(actor=ACTORS[role], lang="en").run()
    assert not at.exception
    assert _listed(at) == ROLE_PAGES[role]
    outside = sorted({p.stem for p in PAGES_DIR.glob("*.py")} - set(ROLE_PAGES[role]))
    assert outside, role
    for page in outside:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(PAGES / f"{page}.py"))


def test_the_default_page_is_the_first_of_the_role(app_db: Engine) -> None:
    assert app(actor=COLLECTOR_C1, lang="en").run().title[0].value == "Overdue lists"
    assert app(actor=ADMIN, lang="en").run().title[0].value == "Audit log"


def _active_loans(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Active loans"]


@pytest.mark.parametrize(
    ("actor", "same"),
    [(OFFICER_O1, Scope(officer_id="O1")), (MANAGER_B2, Scope(branch_id="B2"))],
    ids=["officer", "branch manager"],
)
def test_overview_figures_are_the_engines_for_the_users_scope(
    app_db: Engine, actor: Actor, same: Scope
) -> None:
    at = app(actor=actor, lang="en").run()
    assert not at.exception
    with app_db.connect() as conn:
        mine = portfolio(conn, as_of=AS_OF, scope=same, config=Config())
        everything = portfolio(conn, as_of=AS_OF, scope=Scope(), config=Config())
    shown = {m.label: m.value for m in at.metric}
    assert shown["Active loans"] == f"{mine.active_loans:,}"
    assert shown["Balance"] == f"¥{mine.balance:,.2f}"
    assert mine.active_loans != everything.active_loans
    # The URL cannot widen it: another branch in the link is not on offer and falls back to "all".
    widened = app(actor=actor, lang="en", branch="B1" if actor is MANAGER_B2 else "B2").run()
    assert _active_loans(widened) == f"{mine.active_loans:,}"


def test_filters_offer_only_the_users_subtree_and_an_officer_only_themselves(app_db: Engine) -> None:
    manager = app(actor=MANAGER_B2, lang="en").run()
    assert manager.selectbox(key="branch").options == ["All", "\u2003上海分行"]
    assert manager.selectbox(key="officer").options == ["All", "O2 (O2)", "O3 (O3)"]
    officer = app(actor=OFFICER_O1, lang="en").run()
    assert officer.selectbox(key="officer").options == ["O1 (O1)"]
    assert officer.selectbox(key="officer").value == "O1"
    assert officer.selectbox(key="branch").options == ["All", "\u2003\u2003朝阳支行"]


def _rows(at: AppTest, page: str) -> list[str]:
    at.switch_page(str(PAGES / f"{page}.py")).run()
    assert not at.exception
    return at.dataframe[0].value["loan_id"].tolist()


def test_lists_hold_only_rows_inside_the_scope(app_db: Engine) -> None:
    """Overdue at 2025-03-20: B (B11, O1) and C (B2, O2); C placed with A1, B assigned to C1."""
    with app_db.begin() as conn:
        place(conn, "C", "A1", "2025-03-01", "5000")
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
    assert _rows(app(lang="en").run(), "overdue") == ["C", "B"]
    assert _rows(app(actor=OFFICER_O1, lang="en").run(), "overdue") == ["B"]
    assert _rows(app(actor=MANAGER_B2, lang="en").run(), "overdue") == ["C"]
    assert _rows(app(actor=COLLECTOR_C1, lang="en").run(), "overdue") == ["B"]
    assert _rows(app(actor=AGENCY_A1, lang="en").run(), "overdue") == ["C"]
    assert sorted(_rows(app(actor=OFFICER_O1, lang="en").run(), "loans")) == ["A", "B"]
    assert _rows(app(actor=MANAGER_B2, lang="en").run(), "loans") == ["C"]


@pytest.mark.parametrize(("actor", "filters"), [(ADMIN, False), (MANAGER_B2, True), (COLLECTOR_C1, True)])
def test_the_sidebar_filters_only_for_roles_whose_pages_read_them(
    app_db: Engine, actor: Actor, filters: bool
) -> None:
    at = app(actor=actor, lang="en").run()
    assert not at.exception
    assert bool(at.sidebar.date_input) is filters
    assert at.sidebar.selectbox[0].label == "语言 / Language"


@pytest.mark.parametrize(
    ("action", "url_path"),
    [
        ("visit", "visit"),
        ("inspection", "inspect"),
        ("collection_action", "action"),
        ("override", "override"),
    ],
)
def test_whoever_may_record_has_the_form_in_their_navigation(action: str, url_path: str) -> None:
    from dashboard.ui.pages import PAGES
    from dashboard.work.access import PERMISSIONS

    (page,) = [p for p in PAGES if p.url_path == url_path]
    assert PERMISSIONS[action] <= set(page.roles)
