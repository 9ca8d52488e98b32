"""The monthly class migration matrix against a hand-worked book."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.migration import class_migration, month_bounds
from dashboard.kpi.scope import Scope
from tests.kpi.book import D, loan, override, pay, reference

MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def test_march_2025_by_hand(engine: Engine) -> None:
    """Start 2025-02-28, end 2025-03-31.
    A pays on time: normal -> normal, 2,000 -> 1,000.
    B pays nothing: 18 then 49 DPD, special mention -> special mention, 3,000 -> 3,000.
    C pays February only: normal -> special mention (21 DPD), 2,000 -> 2,000.
    D pays on time but is overridden to loss on 03-15: normal -> loss, 2,000 -> 1,000.
    E is disbursed in March: in no pair. F is repaid in March: in no pair."""
    with engine.begin() as conn:
        reference(conn)
        for name in "ABCD":
            loan(conn, name, "3000", "2025-01-10", MONTHLY)
        for name in "ACD":
            pay(conn, name, 1, "2025-02-10", "1000", "10")
        for name in "AD":
            pay(conn, name, 2, "2025-03-10", "1000", "10")
        override(conn, "D", "2025-03-15", "loss")
        loan(conn, "E", "1000", "2025-03-05", [("2025-04-05", "1000", "0")])
        loan(conn, "F", "1000", "2025-01-05", [("2025-03-05", "1000", "0")])
        pay(conn, "F", 1, "2025-03-05", "1000", "0")
    assert month_bounds(2025, 3, as_of=D("2025-04-20")) == (D("2025-02-28"), D("2025-03-31"))
    assert month_bounds(2025, 3, as_of=D("2025-03-20")) == (D("2025-02-28"), D("2025-03-20"))
    with engine.connect() as conn:
        frame = class_migration(
            conn, year=2025, month=3, as_of=D("2025-04-20"), scope=Scope(), config=Config()
        )
    assert len(frame) == 25
    moved = frame[frame["loans"] > 0]
    assert [tuple(r) for r in moved.itertuples(index=False)] == [
        ("normal", "normal", 1, Decimal("2000"), Decimal("1000")),
        ("normal", "special_mention", 1, Decimal("2000"), Decimal("2000")),
        ("normal", "loss", 1, Decimal("2000"), Decimal("1000")),
        ("special_mention", "special_mention", 1, Decimal("3000"), Decimal("3000")),
    ]
    with engine.connect() as conn:
        other = class_migration(
            conn, year=2025, month=3, as_of=D("2025-04-20"), scope=Scope(branch_id="B2"), config=Config()
        )
    assert other["loans"].sum() == 0
