"""Audit log page: an entry written by a save shows; filters by user, table and record; downloads; roles
without "audit_read" are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, insert
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.testing import app_test
from dashboard.work.audit import write_audit
from dashboard.work.issues import mark_reported
from dashboard.work.overrides import decide_proposal, propose_override
from db.models import Issue
from tests.kpi.book import D
from tests.web.conftest import PAGES, app, sign_in

AUDITOR = Actor("a1", "auditor", name="A1")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
MANAGER = Actor("m1", "manager", name="M1", branch_id="HQ")


@pytest.fixture
def audited(app_db: Engine) -> Engine:
    """o1 proposes doubtful for B and r1 approves it (the override row), r1 marks an issue reported; root
    changes a setting."""
    officer = Actor("o1", "officer", name="O1", staff_id="O1")
    proposed = propose_override(
        app_db, officer, "B", "doubtful", "<script>x</script>", ["fraud"], None, "t0", Config()
    )
    decide_proposal(app_db, RM, int(proposed.record_key), True, "同意", "t1", Config())
    with app_db.begin() as conn:
        conn.execute(
            insert(Issue).values(
                issue_id="W1", loan_id="A", severity="major", raised_on=D("2025-03-10"), description="问题"
            )
        )
    mark_reported(app_db, RM, "W1", 1, D("2025-03-11"), "t2")
    admin = Actor("root", "admin", name="root")
    # An entry by another user, written straight to the log (as sign-in failures are).
    with app_db.begin() as conn:
        write_audit(conn, admin, "update", "settings", "ptp_max_days", {"value": "30"}, {"value": "20"})
    return app_db


def _page(actor: Actor, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / "audit.py")).run()


def test_entries_newest_first_and_filter_by_user(audited: Engine) -> None:
    at = _page(AUDITOR, lang="en")
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["record"].tolist()[:3] == ["ptp_max_days", "W1", "B:2025-03-20"]
    assert shown["table"].tolist()[3:] == ["classification_proposals"] * 2  # approved, then proposed
    assert shown["username"].tolist() == ["root", "r1", "r1", "r1", "o1"]
    # Values typed by a user are shown as the text of a cell.
    assert '"reason": "<script>x</script>"' in shown["after"].tolist()[2]
    assert at.selectbox(key="audit_user").options == ["Any", "o1", "r1", "root"]
    at.selectbox(key="audit_user").set_value("r1").run()
    assert not at.exception
    assert at.dataframe[0].value["record"].tolist()[:2] == ["W1", "B:2025-03-20"]
    assert len(at.dataframe[0].value) == 3
    at.selectbox(key="audit_table").set_value("issues").run()
    filtered = at.dataframe[0].value
    assert filtered[["action", "record"]].to_dict("records") == [{"action": "report", "record": "W1"}]
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download CSV", "Download Excel"]


def test_record_and_date_filters(audited: Engine) -> None:
    at = _page(MANAGER, lang="en")
    at.text_input(key="audit_record").input("B").run()
    assert at.dataframe[0].value["record"].tolist() == ["B:2025-03-20"]
    at.text_input(key="audit_record").input("").run()
    at.date_input(key="audit_until").set_value(D("2025-01-01")).run()
    assert not at.exception
    assert not at.dataframe
    assert "Nothing to show for this filter." in [i.value for i in at.info]


@pytest.mark.parametrize("role", ["officer", "risk_manager", "collector", "agency"])
def test_other_roles_are_refused(audited: Engine, role: str) -> None:
    # Their navigation has no audit page; run the page on its own to see it refuse all the same.
    at = app_test(str(PAGES / "audit.py"), 60)
    at.session_state["lang"] = "en"
    at = sign_in(at, Actor("x", role, staff_id="O1")).run()
    assert not at.exception
    assert at.error[0].value == "Only managers, auditors and administrators may read the audit log."
    assert not at.dataframe


def test_chinese(audited: Engine) -> None:
    at = _page(AUDITOR)
    assert not at.exception
    assert at.title[0].value == "审计日志"
    assert len(at.dataframe[0].value) == 5
