"""Audit log page: an entry written by a save shows; filters by user, table and record; downloads; roles
without "audit_read" are refused."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, insert
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.testing import app_test
from dashboard.work.audit import write_audit
from dashboard.work.issues import mark_reported
from dashboard.work.overrides import decide_proposal, propose_override
from db.models import Issue, LoginAttempt
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
    # A setting by its name, tables and actions in words.
    assert shown["record"].tolist()[:3] == [
        "Promise to pay at most this many days ahead",
        "W1",
        "B:2025-03-20",
    ]
    assert shown["table"].tolist()[3:] == ["Classification proposals"] * 2  # approved, then proposed
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
    assert filtered[["action", "record"]].to_dict("records") == [{"action": "Reported", "record": "W1"}]
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


@pytest.mark.parametrize(
    ("lang", "setting", "reason", "status"),
    [
        ("en", "Value: 30 → 20", "Reason: <script>x</script>", "Status: Pending → Approved"),
        ("zh", "值: 30 → 20", "原因: <script>x</script>", "状态: 待审批 → 已批准"),
    ],
)
def test_changes_read_as_old_to_new_in_the_users_language(
    audited: Engine, lang: str, setting: str, reason: str, status: str
) -> None:
    at = _page(AUDITOR, lang=lang)
    assert not at.exception
    shown = at.dataframe[0].value
    changes = shown["changes"].tolist()
    assert changes[0] == setting
    assert status in changes[3].splitlines()  # the approval: only what changed
    assert reason in changes[4].splitlines()  # the proposal: every field of the new record
    assert "{" not in changes[0] and "ptp_max_days" not in " ".join(map(str, shown["record"]))
    # The JSON stays in the frame (the downloads) but is not a shown column.
    assert '"value": "20"' in shown["after"].tolist()[0]


@pytest.fixture
def signed_in(audited: Engine) -> Engine:
    rows = [
        ("r1", "2025-03-18T09:00:00", True, "password"),
        ("m1", "2025-03-18T09:05:00", False, "password"),
        ("m1", "2025-03-18T09:06:00", True, "password"),
        ("root", "2025-03-18T10:00:00", True, "cookie"),
        ("root", "2025-03-18T11:00:00", True, "unlock"),  # an admin's unlock: no sign-in
    ]
    with audited.begin() as conn:
        conn.execute(
            insert(LoginAttempt),
            [
                {
                    "username": u,
                    "at": datetime.fromisoformat(at),
                    "success": ok,
                    "client": "10.0.0.1",
                    "method": m,
                }
                for u, at, ok, m in rows
            ],
        )
    return audited


def _sign_ins(at: AppTest) -> list[tuple[str, str, str]]:
    frame = next(d.value for d in at.dataframe if "outcome" in d.value.columns)
    return list(zip(frame["username"], frame["outcome"], frame["method"], strict=True))


def test_sign_ins_success_and_failure_in_the_users_language_scoped_as_the_log(signed_in: Engine) -> None:
    at = _page(AUDITOR)
    assert not at.exception
    assert "登录记录" in [h.value for h in at.subheader]
    assert _sign_ins(at) == [
        ("root", "登录成功", "登录 Cookie"),
        ("m1", "登录成功", "密码"),
        ("m1", "登录失败", "密码"),
        ("r1", "登录成功", "密码"),
    ]
    assert "m1" in at.selectbox(key="audit_user").options
    at.selectbox(key="audit_user").set_value("m1").run()
    assert [row[1] for row in _sign_ins(at)] == ["登录成功", "登录失败"]
    # A manager sees their own sign-ins only; an administrator every one (account events).
    assert {row[0] for row in _sign_ins(_page(MANAGER, lang="en"))} == {"m1"}
    admin = _page(Actor("root", "admin", name="root"), lang="en")
    assert [row[1] for row in _sign_ins(admin)] == ["Signed in", "Signed in", "Failed", "Signed in"]
