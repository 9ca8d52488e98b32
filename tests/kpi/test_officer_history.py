"""The officer history in officer figures (issue 16): a loan counts for the officer who held it at the as-of
date; an officer who has left is not scored after leaving but shown apart; the successor is assessed on what
they inherited. And a collector hand-over made in the app credits a payment on the hand-over day once.

K1 (O3's, 1,000, overdue since 1 May 2024) and K2 (O2's, 1,000, current). O3 leaves on 30 Jun 2024; K1 is
handed to O2 on 1 Sep 2024. Every figure is checked computed live and from the snapshots (whose groups
count K1 for its current officer, O2, at every date).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi import snapshots
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import collector_recoveries, inherited_scores, officer_scores
from dashboard.work.allocation import assign_collector, hand_over
from dashboard.work.saving import save
from db.models import Staff
from tests.kpi.book import D, loan, pay, reference

CFG = Config()
BEFORE_LEAVING, LEFT, HANDED = D("2024-06-01"), D("2024-08-01"), D("2024-10-01")
MANAGER = Actor("m", "manager")
RISK = Actor("r", "risk_manager", staff_id="R1")


@pytest.fixture(params=["live", "snapshots"])
def book(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(
            conn,
            "K1",
            "1000",
            "2024-01-01",
            [("2024-05-01", "500", "5"), ("2025-06-01", "500", "5")],
            officer="O3",
        )
        loan(conn, "K2", "1000", "2024-01-01", [("2025-06-01", "1000", "10")], officer="O2", branch="B2")
    save(
        engine,
        MANAGER,
        None,
        lambda conn: hand_over(
            conn, MANAGER, loan_ids=["K1"], departed_id="O3", successor_id="O2", on=D("2024-09-01")
        ),
    )
    if request.param == "snapshots":
        with engine.begin() as conn:
            snapshots.refresh(conn, dates=[BEFORE_LEAVING, LEFT, HANDED], analyze=False)
    return engine


def _scores(engine: Engine, as_of, **kw) -> dict[str, tuple[int, Decimal | None]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        scores = officer_scores(conn, as_of=as_of, scope=Scope(), config=CFG, **kw)
    return {s.staff_id: (s.active_loans, s.overdue_ratio) for s in scores}


def test_each_loan_counts_for_the_officer_who_held_it_then(book: Engine) -> None:
    assert _scores(book, BEFORE_LEAVING) == {"O2": (1, Decimal(0)), "O3": (1, Decimal(1))}
    # O3 has left but K1 is not handed over yet: O3 is shown apart, not scored.
    assert _scores(book, LEFT) == {"O2": (1, Decimal(0))}
    assert _scores(book, LEFT, departed=True) == {"O3": (1, Decimal(1))}
    # From the hand-over the successor holds it.
    assert _scores(book, HANDED) == {"O2": (2, Decimal("0.5"))}
    assert _scores(book, HANDED, departed=True) == {}


def test_the_successor_is_assessed_on_what_they_inherited(book: Engine) -> None:
    with book.connect() as conn:
        before = inherited_scores(conn, as_of=LEFT, scope=Scope(), config=CFG)
        after = inherited_scores(conn, as_of=HANDED, scope=Scope(), config=CFG)
    assert before == []
    (o2,) = after
    assert (o2.staff_id, o2.active_loans, o2.balance, o2.overdue_ratio) == (
        "O2",
        1,
        Decimal("1000.00"),
        Decimal(1),
    )
    assert (o2.overdue_max, o2.npl_max) == (CFG.officer_overdue_max, CFG.officer_npl_max)
    assert not o2.meets_targets


def test_a_payment_on_the_hand_over_day_made_in_the_app_is_credited_once(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff).values(
                staff_id="C2", name="C2", role="phone_collector", branch_id="B1", joined_on=D("2015-01-01")
            )
        )
        loan(conn, "H", "1000", "2024-12-01", [("2025-01-10", "500", "10"), ("2025-02-10", "500", "10")])
        pay(conn, "H", 1, "2025-03-09", "20")
        pay(conn, "H", 1, "2025-03-10", "100")
    for collector, day in (("C1", "2025-02-01"), ("C2", "2025-03-10")):
        save(
            engine,
            RISK,
            None,
            lambda conn, c=collector, d=day: assign_collector(
                conn, RISK, loan_ids=["H"], collector_id=c, on=D(d), replace=True
            ),
        )
    with engine.connect() as conn:
        frame = collector_recoveries(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
    assert dict(zip(frame["staff_id"], frame["recovered"], strict=True)) == {
        "C1": Decimal("20.00"),
        "C2": Decimal("100.00"),
    }
