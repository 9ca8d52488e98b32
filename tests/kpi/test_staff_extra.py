"""Visit plan and issue figures per account officer, by hand (first quarter / March 2025)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.issues import issue_figures
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff_extra import issue_figures_by_officer, visit_plan_by_officer
from dashboard.kpi.visits import visit_plan
from tests.kpi.book import D, issue, loan, pay, reference, visit

CONFIG = Config()
LONG = [("2025-12-01", "1000", "0")]


def _book(conn) -> None:  # type: ignore[no-untyped-def]
    """O1: V1 (visited in Q1), V2 (not visited), V3 (disbursed mid-quarter, not planned).
    O2: V4 (visited only in December), V5 (repaid in March, not planned)."""
    reference(conn)
    loan(conn, "V1", "1000", "2024-12-01", LONG)
    loan(conn, "V2", "1000", "2024-12-01", LONG)
    loan(conn, "V3", "1000", "2025-01-15", LONG)
    loan(conn, "V4", "1000", "2024-11-01", LONG, officer="O2", branch="B2")
    loan(conn, "V5", "100", "2024-11-01", [("2025-12-01", "100", "0")], officer="O2", branch="B2")
    pay(conn, "V5", 1, "2025-03-15", "100")
    visit(conn, "V1", "2025-02-01")
    visit(conn, "V3", "2025-02-01")
    visit(conn, "V4", "2024-12-20")
    issue(conn, "V1", "important", "2025-03-07", reported_on="2025-03-10")  # Friday -> Monday: on time
    issue(conn, "V1", "general", "2025-03-03", resolved_on="2025-03-05")
    issue(conn, "V2", "important", "2025-03-04", reported_on="2025-03-06")  # Tuesday -> Thursday: late
    issue(conn, "V2", "important", "2025-02-20", reported_on="2025-02-20")  # February: not counted
    issue(conn, "V4", "important", "2025-03-10", reported_on="2025-03-10", resolved_on="2025-04-02")


def test_visit_plan_by_officer(engine: Engine) -> None:
    with engine.begin() as conn:
        _book(conn)
        frame = visit_plan_by_officer(
            conn, year=2025, quarter=1, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
        whole = visit_plan(conn, year=2025, quarter=1, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
        in_b2 = visit_plan_by_officer(
            conn, year=2025, quarter=1, as_of=D("2025-03-31"), scope=Scope(branch_id="B2"), config=CONFIG
        )
        not_started = visit_plan_by_officer(
            conn, year=2025, quarter=2, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
    assert frame.values.tolist() == [["O1", 2, 1, Decimal("0.5")], ["O2", 1, 0, Decimal(0)]]
    assert (frame["planned"].sum(), frame["done"].sum()) == (whole.planned, whole.done)
    assert in_b2["officer_id"].tolist() == ["O2"]
    assert not_started.empty


def test_issue_figures_by_officer(engine: Engine) -> None:
    with engine.begin() as conn:
        _book(conn)
        frame = issue_figures_by_officer(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
        whole = issue_figures(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
    rows = frame.set_index("officer_id")
    assert rows.loc["O1", ["raised", "resolved", "serious", "reported_on_time"]].tolist() == [3, 1, 2, 1]
    assert rows.loc["O1", "feedback_on_time_rate"] == Decimal("0.5")
    assert rows.loc["O1", "resolution_rate"] == Decimal(1) / Decimal(3)
    assert rows.loc["O2", ["raised", "resolved", "serious", "reported_on_time"]].tolist() == [1, 0, 1, 1]
    assert rows.loc["O2", "resolution_rate"] == Decimal(0)
    assert frame["raised"].sum() == whole.raised and frame["reported_on_time"].sum() == whole.reported_on_time
