"""Issues page: past-deadline first, my issues, resolving from the page (valid, invalid, stale), the actions
each role gets, both languages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.actor import Actor
from dashboard.testing import app_test
from dashboard.work.issues import resolve
from db.models import AuditEntry, Issue
from tests.kpi.book import D
from tests.web.conftest import PAGES, app, sign_in

RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
MANAGER = Actor("m1", "manager", name="M1", branch_id="HQ")
AUDITOR = Actor("a1", "auditor", name="A1")


def error_next_to(at: AppTest, key: str) -> str | None:
    """The error shown right below the widget with this key (forms.field_error), if any."""
    nodes = list(at.main)
    for index, node in enumerate(nodes):
        if getattr(node, "key", None) == key:
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            return following.value if type(following).__name__ == "Error" else None
    raise KeyError(key)


@pytest.fixture
def issues_db(app_db: Engine) -> Engine:
    """app_db has one major issue on B (raised 03-01, reported 03-02). Added: on A and B (branch B11) a late
    important one, a general one, a major one assigned to R1; on C (branch B2) one the RM of B1 cannot see."""
    rows = [
        ("W-LATE", "B", "important", "2025-03-10", None, None),
        ("W-GEN", "A", "general", "2025-03-05", None, None),
        ("W-MINE", "A", "major", "2025-03-12", "2025-03-12", "R1"),
        ("W-C", "C", "major", "2025-03-11", None, None),
    ]
    with app_db.begin() as conn:
        conn.execute(
            insert(Issue),
            [
                {
                    "issue_id": issue_id,
                    "loan_id": loan_id,
                    "severity": severity,
                    "raised_on": D(raised),
                    "reported_on": D(reported) if reported else None,
                    "description": f"<b>{issue_id}</b> **not markdown**",
                    "assigned_to": assigned,
                }
                for issue_id, loan_id, severity, raised, reported, assigned in rows
            ],
        )
    return app_db


def _page(actor: Actor, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / "issues_work.py")).run()


def _issue(engine: Engine, issue_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Issue).where(Issue.issue_id == issue_id)).mappings().one())


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def test_lists_past_deadline_first_and_my_issues(issues_db: Engine) -> None:
    at = _page(RM, lang="en")
    assert not at.exception
    assert at.title[0].value == "Issues"
    mine, everything = (d.value for d in at.dataframe[:2])
    assert mine["issue_id"].tolist() == ["W-MINE"]
    listed = everything["issue_id"].tolist()
    assert listed[0] == "W-LATE"  # important, unreported, past its 1-working-day deadline
    assert listed[-1] == "W-GEN"  # general issues have no deadline and come last
    assert "W-C" not in listed  # loan C is in branch B2
    assert len(listed) == 4
    assert everything["past_deadline"].tolist() == [True, False, False, False]
    assert everything["severity"].tolist()[0] == "Important"
    assert everything["description"].tolist()[0] == "<b>W-LATE</b> **not markdown**"


def test_resolve_from_the_page(issues_db: Engine) -> None:
    at = _page(RM, lang="en")
    at.selectbox(key="issues_pick").set_value("W-LATE").run()
    assert not at.exception
    # User text is shown as text, not rendered.
    assert "<b>W-LATE</b> **not markdown**" in [t.value for t in at.text]
    at.text_area(key="issue_resolve_W-LATE_v1_resolution").input("客户已补交材料")
    at.button(key="issue_resolve_W-LATE_v1_submit").click().run()
    assert not at.exception
    stored = _issue(issues_db, "W-LATE")
    assert (stored["resolved_on"], stored["resolution"], stored["version"]) == (
        clock.today(),
        "客户已补交材料",
        2,
    )
    assert _audit_rows(issues_db) == 1
    assert at.success[0].value == "Issue W-LATE resolved"
    # It has left the open list; the panel now offers to reopen it at its new version.
    assert "W-LATE" not in at.dataframe[1].value["issue_id"].tolist()
    assert at.button(key="issue_reopen_W-LATE_v2_submit")


def test_refused_resolve_shows_messages_and_keeps_input(issues_db: Engine) -> None:
    at = _page(RM, lang="en")
    at.selectbox(key="issues_pick").set_value("W-LATE").run()
    form = "issue_resolve_W-LATE_v1"
    at.date_input(key=f"{form}_resolved_on").set_value(D("2025-03-09"))
    at.text_area(key=f"{form}_resolution").input("   ")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception
    assert error_next_to(at, f"{form}_resolved_on") == "2025-03-09 is before 2025-03-10"
    assert error_next_to(at, f"{form}_resolution") == "Required"
    assert any("2 field(s) need correcting" in e.value for e in at.error)
    assert at.date_input(key=f"{form}_resolved_on").value == D("2025-03-09")
    stored = _issue(issues_db, "W-LATE")
    assert (stored["resolved_on"], stored["version"]) == (None, 1)
    assert _audit_rows(issues_db) == 0


def test_stale_save_is_refused(issues_db: Engine) -> None:
    at = _page(RM, lang="en")
    at.selectbox(key="issues_pick").set_value("W-LATE").run()
    # Someone else resolves it after this page showed version 1.
    resolve(issues_db, MANAGER, "W-LATE", 1, D("2025-03-15"), "by the manager", "other-token")
    form = "issue_resolve_W-LATE_v1"
    at.text_area(key=f"{form}_resolution").input("mine")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception
    assert any("Someone else saved this record after you opened it" in e.value for e in at.error)
    stored = _issue(issues_db, "W-LATE")
    assert (stored["resolution"], stored["version"]) == ("by the manager", 2)
    assert _audit_rows(issues_db) == 1
    # Reloading shows their change and the actions of the new state.
    at.button(key="issue_reload_W-LATE").click().run()
    assert at.button(key="issue_reopen_W-LATE_v2_submit")
    assert "by the manager" in [t.value for t in at.text]


def test_each_role_gets_its_actions(issues_db: Engine) -> None:
    def submits(at: AppTest) -> list[str]:
        return sorted(b.key.split("_")[1] for b in at.button if b.key and b.key.endswith("_submit"))

    at = _page(RM, lang="en", issue_id="W-LATE")
    assert submits(at) == ["assign", "report", "resolve"]
    at = _page(MANAGER, lang="en", issue_id="W-LATE")
    assert submits(at) == ["resolve"]
    at = _page(AUDITOR, lang="en", issue_id="W-LATE")
    assert submits(at) == []
    assert "Your role can view issues but not change them." in [i.value for i in at.info]


def test_assign_from_the_page(issues_db: Engine) -> None:
    at = _page(RM, lang="en", issue_id="W-LATE")
    at.selectbox(key="issue_assign_W-LATE_v1_staff").set_value("C1")
    at.button(key="issue_assign_W-LATE_v1_submit").click().run()
    assert not at.exception
    assert _issue(issues_db, "W-LATE")["assigned_to"] == "C1"
    assert at.success[0].value == "Issue W-LATE assigned"


def test_chinese_and_signed_out(issues_db: Engine) -> None:
    at = _page(RM)
    assert not at.exception
    assert at.title[0].value == "问题处理"
    assert at.dataframe[1].value["severity"].tolist()[0] == "重要"
    at = app_test(str(PAGES / "issues_work.py"), 60).run()
    assert at.info[0].value == "请登录后录入"


def test_a_resolution_date_below_the_old_minimum_is_refused_not_replaced(issues_db: Engine) -> None:
    """Issue 14 item 2: a date before the widget's old min_value (2000-01-01) was replaced by today and the
    issue resolved today; now the save is refused with the date's message and nothing is written."""
    at = _page(RM, lang="en")
    at.selectbox(key="issues_pick").set_value("W-LATE").run()
    form = "issue_resolve_W-LATE_v1"
    at.date_input(key=f"{form}_resolved_on").set_value(D("1999-12-31"))
    at.text_area(key=f"{form}_resolution").input("客户已补交材料")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception
    assert error_next_to(at, f"{form}_resolved_on") == "1999-12-31 is before 2025-03-10"
    stored = _issue(issues_db, "W-LATE")
    assert (stored["resolved_on"], stored["version"]) == (None, 1)
    assert _audit_rows(issues_db) == 0
