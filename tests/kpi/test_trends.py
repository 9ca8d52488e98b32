"""Month-end trends, cure-rate trend and breakdowns, on a book small enough to work out by hand."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.trends import cure_trend, portfolio_by, portfolio_trend
from tests.kpi.book import D, loan, override, pay, reference

CONFIG = Config()
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Month-ends 2025-01 to 2025-03:
    A pays on time (3,000 → 2,000 → 1,000, always M0);
    B (P2, CH2) never pays: M0 → M1 (18 DPD) → M2 (49 DPD);
    C (B2, no channel) never pays: M0 → M1 → M2, overridden to loss on 03-15;
    G is late in February (M1, 23 DPD) and repays everything on 03-20;
    H is M1 at 2024-12-31, M2 at 01-31, M3 at 02-28 and repays on 03-10;
    E is repaid on 01-31, so it is never active at a month-end."""
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
            channel=None,
        )
        override(conn, "C", "2025-03-15", "loss")
        loan(conn, "G", "2000", "2025-01-05", [("2025-02-05", "1000", "10"), ("2025-03-05", "1000", "10")])
        pay(conn, "G", 1, "2025-03-20", "1000", "10")
        pay(conn, "G", 2, "2025-03-20", "1000", "10")
        loan(conn, "H", "1000", "2024-12-01", [("2024-12-20", "1000", "10")])
        pay(conn, "H", 1, "2025-03-10", "1000", "10")
        loan(conn, "E", "1000", "2025-01-10", [("2025-02-10", "1000", "10")])
        pay(conn, "E", 1, "2025-01-31", "1000", "10")
    return engine


def test_portfolio_trend_per_month_end(book: Engine) -> None:
    with book.connect() as conn:
        trend = portfolio_trend(conn, as_of=D("2025-04-15"), scope=Scope(), config=CONFIG, months=3)
    assert [p.as_of for p in trend] == [D("2025-01-31"), D("2025-02-28"), D("2025-03-31")]
    jan, feb, mar = trend
    assert (jan.active_loans, jan.balance) == (5, Decimal("12000.00"))
    assert jan.balance_by_bucket["M0"] == Decimal("11000.00")
    assert jan.balance_by_bucket["M2"] == Decimal("1000.00")
    assert jan.overdue_ratio == jan.par30 == Decimal(1000) / Decimal(12000)
    assert jan.npl_ratio == jan.par90 == Decimal(0)
    assert feb.balance == Decimal("11000.00")
    assert feb.balance_by_bucket == {
        "M0": Decimal("2000.00"),
        "M1": Decimal("8000.00"),
        "M2": Decimal("0.00"),
        "M3": Decimal("1000.00"),
        "M3+": Decimal("0.00"),
    }
    assert feb.overdue_ratio == Decimal(9000) / Decimal(11000)
    assert feb.balance_by_class["special_mention"] == Decimal("9000.00")
    assert (mar.active_loans, mar.balance) == (3, Decimal("7000.00"))
    assert mar.balance_by_class == {
        "normal": Decimal("1000.00"),
        "special_mention": Decimal("3000.00"),
        "substandard": Decimal("0.00"),
        "doubtful": Decimal("0.00"),
        "loss": Decimal("3000.00"),
    }
    assert mar.npl_ratio == Decimal(3000) / Decimal(7000)
    assert mar.par30 == Decimal(6000) / Decimal(7000)


def test_portfolio_trend_follows_the_scope(book: Engine) -> None:
    with book.connect() as conn:
        trend = portfolio_trend(
            conn, as_of=D("2025-03-31"), scope=Scope(branch_id="B2"), config=CONFIG, months=2
        )
    assert [p.balance for p in trend] == [Decimal("3000.00"), Decimal("3000.00")]
    assert [p.npl_ratio for p in trend] == [Decimal(0), Decimal(1)]


def test_cure_trend(book: Engine) -> None:
    with book.connect() as conn:
        cures = cure_trend(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, months=3)
    assert cures["month"].tolist() == ["2025-01", "2025-02", "2025-03"]
    jan, feb, mar = (row for _, row in cures.iterrows())
    # January: only H was on the book at 2024-12-31 (M1), and it rolled to M2.
    assert jan["m0_roll_rate"] is None
    assert jan["m1_cure_rate"] == Decimal(0)
    assert jan["m2_m3_cure_rate"] is None
    # February: B, C, G (8,000 of 11,000 in M0) rolled into collection; H went from M2 to M3.
    assert feb["m0_roll_rate"] == Decimal(8000) / Decimal(11000)
    assert feb["m1_cure_rate"] is None
    assert feb["m2_m3_cure_rate"] == Decimal(0)
    # March: of the 8,000 in M1 only G (2,000) repaid; H (M3, 1,000) repaid in full.
    assert mar["m0_roll_rate"] == Decimal(0)
    assert mar["m1_cure_rate"] == Decimal("0.25")
    assert mar["m2_m3_cure_rate"] == Decimal(1)
    assert (mar["m1_base"], mar["m2_m3_base"]) == (Decimal("8000.00"), Decimal("1000.00"))


def _rows(frame):  # type: ignore[no-untyped-def]
    return {"(none)" if pd.isna(row.id) else row.id: row for row in frame.itertuples()}


def test_portfolio_by_branch(book: Engine) -> None:
    with book.connect() as conn:
        frame = portfolio_by(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, by="branch_id")
    assert frame["id"].tolist() == ["B11", "B2"]  # largest balance first
    b11, b2 = (row for _, row in frame.iterrows())
    assert (b11["name"], b11["loans"], b11["balance"]) == ("朝阳支行", 2, Decimal("4000.00"))
    assert b11["overdue_ratio"] == Decimal("0.75")
    assert b11["npl_ratio"] == Decimal(0)
    assert (b2["name"], b2["loans"], b2["balance"]) == ("上海分行", 1, Decimal("3000.00"))
    assert b2["overdue_ratio"] == b2["npl_ratio"] == Decimal(1)


def test_portfolio_by_product_and_channel(book: Engine) -> None:
    with book.connect() as conn:
        products = _rows(
            portfolio_by(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, by="product_id")
        )
        channels = _rows(
            portfolio_by(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, by="channel_id")
        )
    assert products["P1"].balance == Decimal("4000.00")
    assert products["P1"].npl_balance == Decimal("3000.00")
    assert products["P1"].npl_ratio == Decimal("0.75")
    assert products["P2"].name == "经营贷"
    assert products["P2"].overdue_ratio == Decimal(1)
    assert set(channels) == {"CH1", "CH2", "(none)"}
    assert channels["CH1"].overdue_balance == Decimal("0.00")
    assert pd.isna(channels["(none)"].name)
    assert channels["(none)"].balance == Decimal("3000.00")


def test_portfolio_by_scope_and_empty(book: Engine) -> None:
    with book.connect() as conn:
        scoped = portfolio_by(
            conn, as_of=D("2025-03-31"), scope=Scope(branch_id="B1"), config=CONFIG, by="branch_id"
        )
        empty = portfolio_by(conn, as_of=D("2024-06-30"), scope=Scope(), config=CONFIG, by="product_id")
        with pytest.raises(ValueError, match="cannot break down"):
            portfolio_by(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, by="officer_id")
    assert scoped["id"].tolist() == ["B11"]
    assert empty.empty
