"""Portfolio at D and roll/cure rates, on a book small enough to work out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.roll import roll_rates
from dashboard.kpi.scope import Scope
from tests.kpi.book import D, loan, override, pay, reference

CONFIG = Config()
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """At 2025-03-31: A current (1,000 left), B 49 DPD (3,000), C 51 DPD, overridden to loss (3,000, B2),
    E repaid early, F written off. D is disbursed after the as-of date."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY, product="P2", channel="CH2")
        loan(
            conn,
            "C",
            "3000",
            "2025-01-08",
            [("2025-02-08", "1000", "10"), ("2025-03-08", "1000", "10"), ("2025-04-08", "1000", "10")],
            branch="B2",
            officer="O2",
        )
        override(conn, "C", "2025-03-15", "loss")
        loan(conn, "D", "5000", "2025-04-02", [("2025-05-02", "5000", "50")])
        loan(conn, "E", "1000", "2025-01-10", [("2025-02-10", "1000", "10")])
        pay(conn, "E", 1, "2025-01-31", "1000", "10")
        loan(conn, "F", "1000", "2024-01-10", [("2024-02-10", "1000", "10")], written_off_on="2025-01-15")
    return engine


def test_portfolio_figures(book: Engine) -> None:
    with book.connect() as conn:
        p = portfolio(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
    assert p.active_loans == 3
    assert p.balance == Decimal("7000.00")
    assert p.balance_by_bucket == {
        "M0": Decimal("1000.00"),
        "M1": Decimal("0.00"),
        "M2": Decimal("6000.00"),
        "M3": Decimal("0.00"),
        "M3+": Decimal("0.00"),
    }
    assert p.count_by_bucket == {"M0": 1, "M1": 0, "M2": 2, "M3": 0, "M3+": 0}
    assert p.balance_by_class["loss"] == Decimal("3000.00")
    assert p.balance_by_class["special_mention"] == Decimal("3000.00")
    assert p.count_by_class == {"normal": 1, "special_mention": 1, "substandard": 0, "doubtful": 0, "loss": 1}
    assert p.overdue_ratio == Decimal(6000) / Decimal(7000)
    assert p.npl_ratio == Decimal(3000) / Decimal(7000)
    assert p.par30 == Decimal(6000) / Decimal(7000)
    assert p.par90 == Decimal("0")


@pytest.mark.parametrize(
    ("scope", "balance"),
    [
        (Scope(branch_id="B1"), Decimal("4000.00")),  # subtree: B11 is under B1
        (Scope(branch_id="B11"), Decimal("4000.00")),
        (Scope(branch_id="HQ"), Decimal("7000.00")),
        (Scope(branch_id="B2"), Decimal("3000.00")),
        (Scope(product_id="P2"), Decimal("3000.00")),
        (Scope(channel_id="CH2"), Decimal("3000.00")),
        (Scope(officer_id="O2"), Decimal("3000.00")),
        (Scope(branch_id="B1", product_id="P1"), Decimal("1000.00")),
    ],
)
def test_portfolio_scope(book: Engine, scope: Scope, balance: Decimal) -> None:
    with book.connect() as conn:
        assert portfolio(conn, as_of=D("2025-03-31"), scope=scope, config=CONFIG).balance == balance


def test_empty_scope_gives_empty_ratios(book: Engine) -> None:
    with book.connect() as conn:
        p = portfolio(conn, as_of=D("2024-12-31"), scope=Scope(branch_id="B2"), config=CONFIG)
    assert p.balance == Decimal("0.00")
    assert p.overdue_ratio is None
    assert p.npl_ratio is None


def test_roll_and_cure_rates(book: Engine) -> None:
    """March 2025: base at 28 Feb. A (M0 after paying Feb), B (M1, 18 DPD), C (M1, 20 DPD), E left in Jan.
    At 31 Mar: A M0 (same), B M2 (worse), C M2 (worse)."""
    with book.begin() as conn:
        pay(conn, "C", 1, "2025-03-20", "1000", "10")  # C pays Feb's instalment late: 23 DPD at 31 Mar, M1
        rows = roll_rates(conn, year=2025, month=3, scope=Scope(), config=CONFIG)
    m0, m1 = rows["M0"], rows["M1"]
    assert (m0.base_count, m0.base_balance) == (1, Decimal("2000.00"))
    assert m0.roll_rate == Decimal("0")
    assert m0.cure_rate == Decimal("1")
    assert (m1.base_count, m1.base_balance) == (2, Decimal("6000.00"))
    assert m1.roll_rate == Decimal("0.5")  # B went to M2
    assert m1.cure_rate == Decimal("0")  # C is still M1: same
    assert m1.to_bucket == {"M1": Decimal("3000.00"), "M2": Decimal("3000.00")}
    assert rows["M3+"].roll_rate is None
    assert rows["M2"].roll_rate is None and rows["M2"].base_count == 0


def test_roll_counts_write_off_as_worse_and_repayment_as_cure(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "X", "1000", "2024-12-01", [("2025-01-10", "1000", "0")], written_off_on="2025-02-20")
        loan(conn, "Y", "1000", "2024-12-01", [("2025-01-10", "1000", "0")])
        pay(conn, "Y", 1, "2025-02-15", "1000")
        rows = roll_rates(conn, year=2025, month=2, scope=Scope(), config=CONFIG)
    m1 = rows["M1"]
    assert m1.base_count == 2
    assert m1.roll_rate == Decimal("0.5")
    assert m1.cure_rate == Decimal("0.5")
    assert m1.to_bucket == {"written_off": Decimal("1000.00"), "repaid": Decimal("1000.00")}
