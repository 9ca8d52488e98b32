"""The hand-over day (DOMAIN section 5, "End dates"): an assignment's ended_on and a placement's recalled_on
are exclusive, so on the day a loan changes hands it belongs to the new collector or agency only, in every
figure that credits them and in access.

One loan H, past due since 11 Jan 2025. Collector C1 has it from 1 Feb until the hand-over on 10 Mar, when
asset preservation officer C2 takes it; agency A1 has it from 15 Feb until its recall on 10 Mar, when A2
takes it. Payments of 20 on 9 Mar, 100 on the hand-over day and 30 on 11 Mar.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.collection import collectors, overdue_list
from dashboard.kpi.portfolio import loans_at
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import collector_recoveries
from dashboard.work.access import loan_in_scope
from db.models import CollectorAssignment, Staff
from tests.kpi.book import D, loan, pay, place, reference

CFG = Config()
HANDOVER = D("2025-03-10")
EVE = D("2025-03-09")
MARCH = {"start": D("2025-03-01"), "end": D("2025-03-31"), "as_of": D("2025-03-31")}
C1 = Actor("c1", "collector", staff_id="C1")
C2 = Actor("c2", "collector", staff_id="C2")
A1 = Actor("a1", "agency", agency_id="A1")
A2 = Actor("a2", "agency", agency_id="A2")


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff),
            [
                {
                    "staff_id": "C2",
                    "name": "C2",
                    "role": "asset_preservation",
                    "branch_id": "B1",
                    "joined_on": D("2015-01-01"),
                    "left_on": None,
                }
            ],
        )
        loan(conn, "H", "1000", "2024-12-01", [("2025-01-10", "500", "10"), ("2025-02-10", "500", "10")])
        conn.execute(
            insert(CollectorAssignment),
            [
                {"loan_id": "H", "staff_id": "C1", "assigned_on": D("2025-02-01"), "ended_on": HANDOVER},
                {"loan_id": "H", "staff_id": "C2", "assigned_on": HANDOVER, "ended_on": None},
            ],
        )
        place(conn, "H", "A1", "2025-02-15", "1020", recalled_on="2025-03-10")
        place(conn, "H", "A2", "2025-03-10", "1020")
        pay(conn, "H", 1, "2025-03-09", "20")
        pay(conn, "H", 1, "2025-03-10", "100")
        pay(conn, "H", 1, "2025-03-11", "30")
    return engine


def test_a_payment_on_the_hand_over_day_is_credited_to_the_new_collector_only(book: Engine) -> None:
    with book.connect() as conn:
        frame = collector_recoveries(conn, **MARCH, scope=Scope())
    assert dict(zip(frame["staff_id"], frame["recovered"], strict=True)) == {
        "C1": Decimal("20.00"),
        "C2": Decimal("130.00"),
    }


def test_a_payment_on_the_recall_day_is_credited_to_the_new_agency_only(book: Engine) -> None:
    with book.connect() as conn:
        scores = {s.agency_id: s for s in agency_scores(conn, **MARCH, scope=Scope())}
    assert (scores["A1"].recovered, scores["A2"].recovered) == (Decimal("20.00"), Decimal("130.00"))
    assert (scores["A1"].cases, scores["A2"].cases) == (1, 1)


def test_a_collector_or_agency_that_held_the_loan_only_until_the_period_began_has_no_case(
    book: Engine,
) -> None:
    """Ended or recalled on the period's first day: the loan was theirs up to the day before only."""
    with book.connect() as conn:
        recoveries = collector_recoveries(
            conn, start=HANDOVER, end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
        scores = {
            s.agency_id: s
            for s in agency_scores(
                conn, start=HANDOVER, end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
            )
        }
    assert recoveries["staff_id"].tolist() == ["C2"]
    assert (scores["A1"].cases, scores["A2"].cases) == (0, 1)


def test_on_the_hand_over_day_the_lists_show_the_new_holder_only(book: Engine) -> None:
    with book.connect() as conn:
        on_day = overdue_list(conn, as_of=HANDOVER, scope=Scope(), config=CFG)
        eve = overdue_list(conn, as_of=EVE, scope=Scope(), config=CFG)
        holding = collectors(conn, as_of=HANDOVER, scope=Scope())
        c1_tasks = overdue_list(conn, as_of=HANDOVER, scope=Scope(), config=CFG, collector_id="C1")
        placed_a1 = loans_at(conn, as_of=HANDOVER, scope=Scope(), config=CFG, agency_id="A1")
        placed_a2 = loans_at(conn, as_of=HANDOVER, scope=Scope(), config=CFG, agency_id="A2")
    assert on_day.loc[0, "collector_id"] == "C2"
    assert eve.loc[0, "collector_id"] == "C1"
    assert holding["staff_id"].tolist() == ["C2"]
    assert c1_tasks.empty
    assert (placed_a1.empty, placed_a2["loan_id"].tolist()) == (True, ["H"])


@pytest.mark.parametrize(
    ("actor", "on_eve", "on_day"),
    [(C1, True, False), (C2, False, True), (A1, True, False), (A2, False, True)],
)
def test_access_on_the_hand_over_day_goes_to_the_new_holder_only(
    book: Engine, actor: Actor, on_eve: bool, on_day: bool
) -> None:
    with book.connect() as conn:
        assert loan_in_scope(conn, actor, "H", EVE) is on_eve
        assert loan_in_scope(conn, actor, "H", HANDOVER) is on_day
