"""Server-side scope: a Scope carrying the signed-in user restricts every KPI to the loans of their job,
on SQLite and PostgreSQL, read live or from snapshots.

The book (tests/web/conftest.py app_db, as of 2025-03-20): A and B in B11 by officer O1, C in B2 by O2;
here B is assigned to collector C1 and C placed with agency A1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.collection import collectors, overdue_counts, overdue_list
from dashboard.kpi.inspections import first_checks, pending_first_checks, sampling
from dashboard.kpi.issues import issue_figures
from dashboard.kpi.portfolio import loans_at, portfolio, portfolio_series
from dashboard.kpi.roll import roll_rates
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import default_dates, refresh
from dashboard.kpi.staff import collector_recoveries, handover_list, officer_scores
from dashboard.kpi.staff_extra import issue_figures_by_officer, visit_plan_by_officer
from dashboard.kpi.trends import portfolio_by
from dashboard.kpi.vintage import vintage
from dashboard.kpi.weekly import open_serious_issues, weekly_review
from db.models import CollectorAssignment
from tests.auth.conftest import (
    ADMIN,
    AGENCY_A1,
    AUDITOR,
    COLLECTOR_C1,
    MANAGER_B1,
    MANAGER_B2,
    OFFICER_O1,
    OFFICER_O2,
)
from tests.kpi.book import D, place

AS_OF = D("2025-03-20")
CFG = Config()


@pytest.fixture
def book(app_db: Engine) -> Engine:
    with app_db.begin() as conn:
        place(conn, "C", "A1", "2025-03-01", "5000")
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
    return app_db


def _loans(engine: Engine, scope: Scope) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(scope.loan_ids()).scalars())


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (OFFICER_O1, {"A", "B"}),
        (OFFICER_O2, {"C"}),
        (MANAGER_B2, {"C"}),
        (MANAGER_B1, {"A", "B"}),
        (COLLECTOR_C1, {"B"}),
        (AGENCY_A1, {"C"}),
        (Actor("a2", "agency", agency_id="A2"), set()),
        (Actor("nobody", "officer"), set()),  # an officer without a staff record sees nothing
        (AUDITOR, {"A", "B", "C"}),
        (ADMIN, {"A", "B", "C"}),
        (Actor("boss", "manager"), {"A", "B", "C"}),
    ],
)
def test_the_scope_of_each_role(book: Engine, actor: Actor, expected: set[str]) -> None:
    scope = Scope(actor=actor)
    assert _loans(book, scope) == expected
    assert scope.is_everything == (expected == {"A", "B", "C"})


def test_filters_narrow_a_users_scope_but_never_widen_it(book: Engine) -> None:
    assert _loans(book, Scope(branch_id="B2", actor=OFFICER_O1)) == set()
    assert _loans(book, Scope(officer_id="O2", actor=MANAGER_B1)) == set()
    assert _loans(book, Scope(branch_id="B11", actor=MANAGER_B1)) == {"A", "B"}
    assert _loans(book, Scope(branch_id="HQ", actor=MANAGER_B2)) == {"C"}


def _plain(value: Any) -> Any:
    """Something == can compare: frames as records, dataclasses as dicts (recursively)."""
    if isinstance(value, pd.DataFrame):
        return value.astype(object).where(value.notna(), None).to_dict("records")
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(getattr(value, k)) for k in asdict(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


START, END = date(2025, 3, 1), date(2025, 3, 31)
KPIS: dict[str, Callable[[Any, Scope], Any]] = {
    "portfolio": lambda c, s: portfolio(c, as_of=AS_OF, scope=s, config=CFG),
    "portfolio_series": lambda c, s: portfolio_series(c, dates=[D("2025-02-28"), AS_OF], scope=s, config=CFG),
    "loans_at": lambda c, s: loans_at(c, as_of=AS_OF, scope=s, config=CFG),
    "portfolio_by_branch": lambda c, s: portfolio_by(c, as_of=AS_OF, scope=s, config=CFG, by="branch_id"),
    "roll_rates": lambda c, s: roll_rates(c, year=2025, month=3, scope=s, config=CFG),
    "vintage": lambda c, s: vintage(c, as_of=AS_OF, scope=s, config=CFG, months=6),
    "overdue_counts": lambda c, s: overdue_counts(c, as_of=AS_OF, scope=s, config=CFG),
    "overdue_list": lambda c, s: overdue_list(c, as_of=AS_OF, scope=s, config=CFG),
    "collectors": lambda c, s: collectors(c, as_of=AS_OF, scope=s),
    "first_checks": lambda c, s: first_checks(
        c, start=D("2025-01-01"), end=END, as_of=AS_OF, scope=s, config=CFG
    ),
    "pending_first_checks": lambda c, s: pending_first_checks(
        c, start=D("2024-12-01"), end=END, as_of=AS_OF, scope=s, config=CFG
    ),
    "sampling": lambda c, s: sampling(c, year=2025, month=3, as_of=AS_OF, scope=s, config=CFG),
    "issue_figures": lambda c, s: issue_figures(c, start=START, end=END, as_of=AS_OF, scope=s),
    "agency_scores": lambda c, s: agency_scores(c, start=START, end=END, as_of=AS_OF, scope=s),
    "officer_scores": lambda c, s: officer_scores(
        c, as_of=AS_OF, scope=s, config=CFG, cutoff=D("2024-01-01")
    ),
    "collector_recoveries": lambda c, s: collector_recoveries(c, start=START, end=END, as_of=AS_OF, scope=s),
    "handover_list": lambda c, s: handover_list(c, as_of=AS_OF, scope=s, config=CFG),
    "visit_plan_by_officer": lambda c, s: visit_plan_by_officer(
        c, year=2025, quarter=1, as_of=AS_OF, scope=s, config=CFG
    ),
    "issue_figures_by_officer": lambda c, s: issue_figures_by_officer(
        c, start=START, end=END, as_of=AS_OF, scope=s
    ),
    "open_serious_issues": lambda c, s: open_serious_issues(c, as_of=AS_OF, scope=s),
    "weekly_review": lambda c, s: weekly_review(c, monday=D("2025-03-17"), as_of=AS_OF, scope=s, config=CFG),
}
# The figures that differ between the whole book and each restricted user on this book.
DIFFERENT = {
    "portfolio",
    "portfolio_series",
    "loans_at",
    "portfolio_by_branch",
    "overdue_counts",
    "overdue_list",
}


@pytest.mark.parametrize("snapshots", [False, True], ids=["live", "snapshots"])
@pytest.mark.parametrize("name", list(KPIS))
def test_every_kpi_equals_the_same_figure_filtered_to_the_users_loans(
    book: Engine, name: str, snapshots: bool
) -> None:
    """A user's figure equals the figure of the filter naming exactly their loans (officer O1: officer
    O1; manager of B2: branch B2), so nothing outside their job reaches any figure, list or download."""
    kpi = KPIS[name]
    with book.begin() as conn:
        if snapshots:
            refresh(conn, dates=default_dates(AS_OF))
        everything = _plain(kpi(conn, Scope()))
        for actor, same in ((OFFICER_O1, Scope(officer_id="O1")), (MANAGER_B2, Scope(branch_id="B2"))):
            mine = _plain(kpi(conn, Scope(actor=actor)))
            assert mine == _plain(kpi(conn, same)), f"{name} for {actor.username}"
            if name in DIFFERENT:
                assert mine != everything, f"{name} for {actor.username} is the whole book's"


def test_collector_and_agency_lists_hold_only_their_loans(book: Engine) -> None:
    with book.connect() as conn:
        full = overdue_list(conn, as_of=AS_OF, scope=Scope(), config=CFG)
        collector = overdue_list(conn, as_of=AS_OF, scope=Scope(actor=COLLECTOR_C1), config=CFG)
        agency = overdue_list(conn, as_of=AS_OF, scope=Scope(actor=AGENCY_A1), config=CFG)
        counts = overdue_counts(conn, as_of=AS_OF, scope=Scope(actor=AGENCY_A1), config=CFG)
    assert set(full["loan_id"]) == {"B", "C"}
    assert collector["loan_id"].tolist() == ["B"]
    assert agency["loan_id"].tolist() == ["C"]
    assert counts.overdue == 1
