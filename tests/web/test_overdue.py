"""Overdue lists page: the engine's counts, the list with links, a collector's task list, both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, insert

from dashboard.config import Config
from dashboard.kpi.collection import overdue_counts
from dashboard.kpi.scope import Scope
from db.models import CollectorAssignment
from tests.kpi.book import D, act, loan, place
from tests.web.conftest import PAGES, app


@pytest.fixture
def overdue_db(app_db: Engine) -> Engine:
    """On top of app_db (B 38 DPD, C 66 DPD): C placed with A1; D 5 DPD with 60,000 overdue; C1 works B, D."""
    with app_db.begin() as conn:
        place(conn, "C", "A1", "2025-03-01", "5000")
        loan(conn, "D", "60000", "2025-01-10", [("2025-03-15", "60000", "0")])
        act(conn, "D", "2025-03-14T09:00:00", "call", staff="C1", result="lost_contact")
        conn.execute(
            insert(CollectorAssignment),
            [
                {"loan_id": x, "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}
                for x in "BD"
            ],
        )
    return app_db


def _page(**query: str):  # type: ignore[no-untyped-def]
    at = app(**query).run()
    return at.switch_page(str(PAGES / "overdue.py")).run()


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def test_tiles_list_and_tasks(overdue_db: Engine) -> None:
    at = _page(lang="en")
    assert not at.exception
    with overdue_db.connect() as conn:
        expected = overdue_counts(conn, as_of=D("2025-03-20"), scope=Scope(), config=Config())
    shown = _metrics(at)
    assert shown["Overdue loans"] == str(expected.overdue) == "3"
    assert shown["50,000+ without a field visit"] == str(expected.big_no_visit) == "1"
    assert shown["31+ DPD not placed"] == str(expected.not_placed) == "1"
    assert shown["Lost contact, no field visit"] == str(expected.lost_no_visit) == "1"
    listed = at.dataframe[0].value
    assert listed["loan_id"].tolist() == ["C", "B", "D"]
    assert listed["next_action"].tolist() == ["Legal action", "Hand to an agency", "Field visit with photos"]
    assert listed["open"].tolist()[1] == "loan?lang=en&as_of=2025-03-20&loan_id=B"
    tasks = at.dataframe[1].value
    assert tasks["loan_id"].tolist() == ["B", "D"]
    assert at.selectbox(key="overdue_collector").value == "C1"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count("Download CSV") == 2 and downloads.count("Download Excel") == 2
    assert "tooltip" in at.get("vega_lite_chart")[0].proto.spec
    assert any("doubtful or loss: legal action" in m.value for m in at.expander[0].markdown)


def test_breach_toggle_and_branch_filter(overdue_db: Engine) -> None:
    at = _page(lang="en")
    at.toggle(key="overdue_breaches_only").set_value(True).run()
    assert at.dataframe[0].value["loan_id"].tolist() == ["B", "D"]
    at.selectbox(key="branch").set_value("B2").run()
    assert not at.exception
    assert _metrics(at)["Overdue loans"] == "1"
    assert "No collector has loans in this filter" in at.info[-1].value


def test_chinese(overdue_db: Engine) -> None:
    at = _page()
    assert not at.exception
    assert at.title[0].value == "逾期清单"
    assert _metrics(at)["逾期笔数"] == "3"
    assert at.dataframe[0].value["next_action"].tolist()[0] == "法催"


def test_nothing_overdue_says_why(overdue_db: Engine) -> None:
    at = _page(lang="en", as_of="2025-01-12")
    assert not at.exception
    assert _metrics(at)["Overdue loans"] == "0"
    assert "No overdue loan on 2025-01-12" in at.info[0].value


def test_promises_due_today_and_broken_on_the_overdue_page(overdue_db: Engine) -> None:
    with overdue_db.begin() as conn:
        act(
            conn,
            "D",
            "2025-03-16T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="900",
            ptp_on="2025-03-20",
        )
        act(
            conn,
            "C",
            "2025-03-16T10:00:00",
            "call",
            agency="A1",
            result="ptp",
            ptp_amount="700",
            ptp_on="2025-03-18",
        )
    at = _page(lang="en")
    assert not at.exception
    shown = _metrics(at)
    assert (shown["Promises due today"], shown["Broken promises (last 7 days)"]) == ("1", "1")
    due, broken = (d.value for d in at.dataframe if "ptp_on" in d.value.columns)
    assert due["loan_id"].tolist() == ["D"] and broken["loan_id"].tolist() == ["C"]
    assert (
        broken["short"].astype(float).tolist() == [700.0] and broken["by"].notna().all()
    )  # a manager sees who
    assert due["open"].tolist()[0].endswith("loan_id=D")
