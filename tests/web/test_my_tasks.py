"""The My tasks page: the signed-in user's own list with the rules' next action and a link to the action
form for each loan; a user with no list is told so."""

from __future__ import annotations

from sqlalchemy import Engine, insert
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from db.models import CollectorAssignment
from tests.kpi.book import D, act, place
from tests.web.conftest import PAGES, app

OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
COLLECTOR = Actor("c1", "collector", name="C1", staff_id="C1")
AGENCY = Actor("a1", "agency", name="甲催收", agency_id="A1")


def assignments(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        insert(CollectorAssignment),
        [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
    )


def _page(actor: Actor, lang: str = "en") -> AppTest:
    at = app(actor, lang=lang).run()
    return at.switch_page(str(PAGES / "my_tasks.py")).run()


def test_an_officer_sees_their_overdue_loan_with_the_next_action_and_a_link_to_record(app_db: Engine) -> None:
    at = _page(OFFICER)
    assert not at.exception
    assert at.title[0].value == "My tasks for 2025-03-20"
    assert {m.label: m.value for m in at.metric} == {
        "Promises due today": "0",
        "Broken promises (last 7 days)": "0",
        "Tasks": "1",
        "Done today": "0",
        "Lost contact": "0",
    }
    frame = at.dataframe[0].value
    assert list(frame["loan_id"]) == ["B"]  # A is current, C is O2's
    assert list(frame["next_action"]) == ["Hand to an agency"]  # 38 DPD, not placed
    assert frame["record"][0].startswith("action?") and frame["record"][0].endswith("loan_id=B")
    assert frame["card"][0].startswith("loan?")


def test_an_agency_sees_its_placed_loans_in_chinese(app_db: Engine) -> None:
    with app_db.begin() as conn:
        place(conn, "C", "A1", "2025-03-01", "5000")
        act(conn, "C", "2025-03-20T10:00:00", "call", agency="A1", result="no_answer")
    at = _page(AGENCY, lang="zh")
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["loan_id"]) == ["C"]
    assert list(frame["next_action"]) == ["法催"]  # loss by override
    assert list(frame["calls_today"]) == [1]


def test_a_collector_with_nothing_assigned_and_a_user_without_a_holder(app_db: Engine) -> None:
    at = _page(COLLECTOR)
    assert not at.exception
    assert [i.value for i in at.info] == ["No overdue loans of yours on 2025-03-20"]
    at = _page(Actor("x", "collector", name="X"))
    assert not at.exception and not at.dataframe
    assert [w.value for w in at.warning] == [
        "Your user is linked to no staff record or agency, so it has no task list"
    ]


def test_the_collectors_promises_due_today_and_broken(app_db: Engine) -> None:
    with app_db.begin() as conn:
        assignments(conn)
        # B (held by C1): a promise due today and one broken the day before; C (O2's, not C1's) broken too.
        act(
            conn,
            "B",
            "2025-03-18T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="800",
            ptp_on="2025-03-20",
        )
        act(
            conn,
            "B",
            "2025-03-17T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-19",
        )
        act(
            conn,
            "C",
            "2025-03-17T10:00:00",
            "call",
            staff="O2",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-19",
        )
    at = _page(COLLECTOR, lang="zh")
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert (shown["今日到期承诺"], shown["近 7 天违约承诺"]) == ("1", "1")
    due, broken = (e for e in at.expander if e.label.startswith(("今日到期", "已违约")))
    assert due.label == "今日到期（1）" and broken.label == "已违约（1）"
    frames = [d.value for d in at.dataframe]
    assert frames[0]["loan_id"].tolist() == ["B"] and frames[0]["ptp_on"].astype(str).tolist() == [
        "2025-03-20"
    ]
    assert frames[1]["loan_id"].tolist() == ["B"] and frames[1]["short"].astype(float).tolist() == [500.0]
