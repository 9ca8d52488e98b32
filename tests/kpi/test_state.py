"""Loan state at D: outstanding principal, DPD, overdue amount, bucket and class, at every edge."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.portfolio import loans_at
from dashboard.kpi.scope import Scope
from tests.kpi.book import D, loan, override, pay, reference

CONFIG = Config()


def _state(engine: Engine, as_of: str) -> dict[str, dict]:
    with engine.connect() as conn:
        frame = loans_at(conn, as_of=D(as_of), scope=Scope(), config=CONFIG)
    return {row["loan_id"]: row for row in frame.to_dict("records")}


@pytest.fixture
def one_loan(engine: Engine) -> Engine:
    """L1: 3,000 over three monthly instalments of 1,000 + 10 interest due 10 Feb, 10 Mar, 10 Apr."""
    with engine.begin() as conn:
        reference(conn)
        loan(
            conn,
            "L1",
            "3000",
            "2025-01-10",
            [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")],
        )
    return engine


def test_payment_due_today_is_not_late(one_loan: Engine) -> None:
    state = _state(one_loan, "2025-02-10")["L1"]
    assert (state["dpd"], state["bucket"], state["classification"]) == (0, "M0", "normal")
    assert state["overdue_amount"] == Decimal("0.00")


def test_unpaid_instalment_counts_from_the_day_after(one_loan: Engine) -> None:
    state = _state(one_loan, "2025-02-11")["L1"]
    assert (state["dpd"], state["bucket"], state["classification"]) == (1, "M1", "special_mention")
    assert state["overdue_amount"] == Decimal("1010.00")
    assert state["outstanding_principal"] == Decimal("3000.00")


def test_payment_on_due_date_keeps_loan_current(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        pay(conn, "L1", 1, "2025-02-10", "1000", "10")
    state = _state(one_loan, "2025-02-11")["L1"]
    assert state["dpd"] == 0
    assert state["outstanding_principal"] == Decimal("2000.00")


def test_partial_and_split_payments(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        pay(conn, "L1", 1, "2025-02-10", "500", "10")
        pay(conn, "L1", 1, "2025-02-20", "499.99", "0")
    state = _state(one_loan, "2025-02-21")["L1"]
    # One cent still open: the instalment stays unpaid and DPD counts from its due date.
    assert state["dpd"] == 11
    assert state["overdue_amount"] == Decimal("0.01")
    with one_loan.begin() as conn:
        pay(conn, "L1", 1, "2025-02-22", "0.01", "0")
    assert _state(one_loan, "2025-02-22")["L1"]["dpd"] == 0


def test_dpd_is_from_the_oldest_unpaid_instalment(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        pay(conn, "L1", 2, "2025-03-10", "1000", "10")
    state = _state(one_loan, "2025-03-20")["L1"]
    assert state["dpd"] == 38
    assert state["overdue_amount"] == Decimal("1010.00")


def test_repayment_after_as_of_is_ignored(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        pay(conn, "L1", 1, "2025-02-15", "1000", "10")
    assert _state(one_loan, "2025-02-14")["L1"]["dpd"] == 4
    assert _state(one_loan, "2025-02-15")["L1"]["dpd"] == 0


@pytest.mark.parametrize(
    ("dpd", "bucket", "classification"),
    [
        (30, "M1", "special_mention"),
        (31, "M2", "special_mention"),
        (60, "M2", "special_mention"),
        (61, "M3", "special_mention"),
        (90, "M3", "special_mention"),
        (91, "M3+", "substandard"),
        (270, "M3+", "substandard"),
        (271, "M3+", "doubtful"),
        (360, "M3+", "doubtful"),
        (361, "M3+", "loss"),
    ],
)
def test_bucket_and_class_boundaries(one_loan: Engine, dpd: int, bucket: str, classification: str) -> None:
    as_of = (D("2025-02-10") + timedelta(days=dpd)).isoformat()
    state = _state(one_loan, as_of)["L1"]
    assert (state["dpd"], state["bucket"], state["classification"]) == (dpd, bucket, classification)


@pytest.mark.parametrize(
    ("dpd", "classification"),
    [
        (90, "special_mention"),
        (91, "substandard"),
        (120, "substandard"),
        (121, "doubtful"),
        (180, "doubtful"),
        (181, "loss"),
    ],
)
def test_credit_card_floors_come_from_configuration(one_loan: Engine, dpd: int, classification: str) -> None:
    """Rule 12 for credit cards: 91-120 DPD substandard, 121-180 doubtful, over 180 loss: 90/120/180."""
    card = Config(substandard_after_dpd=90, doubtful_after_dpd=120, loss_after_dpd=180)
    with one_loan.connect() as conn:
        row = loans_at(conn, as_of=D("2025-02-10") + timedelta(days=dpd), scope=Scope(), config=card).iloc[0]
    assert (row["dpd"], row["classification"]) == (dpd, classification)


def test_early_settlement_leaves_the_book(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        pay(conn, "L1", 1, "2025-02-10", "1000", "10")
        pay(conn, "L1", 2, "2025-02-28", "1000", "0")
        pay(conn, "L1", 3, "2025-02-28", "1000", "0")
    assert "L1" in _state(one_loan, "2025-02-27")
    assert "L1" not in _state(one_loan, "2025-02-28")


def test_write_off_leaves_the_book_and_recovery_does_not_bring_it_back(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "W1", "1000", "2024-01-01", [("2024-02-01", "1000", "0")], written_off_on="2024-10-01")
        pay(conn, "W1", None, "2024-12-01", "200", "0")
    assert "W1" in _state(engine, "2024-09-30")
    assert "W1" not in _state(engine, "2024-10-01")
    assert "W1" not in _state(engine, "2024-12-31")


def test_not_yet_disbursed_is_not_active(one_loan: Engine) -> None:
    assert "L1" not in _state(one_loan, "2025-01-09")
    assert _state(one_loan, "2025-01-10")["L1"]["outstanding_principal"] == Decimal("3000.00")


def test_override_to_worse_class_applies_from_its_effective_date(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        override(conn, "L1", "2025-02-01", "doubtful")
    assert _state(one_loan, "2025-01-31")["L1"]["classification"] == "normal"
    assert _state(one_loan, "2025-02-01")["L1"]["classification"] == "doubtful"


def test_override_to_better_class_is_ignored(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        override(conn, "L1", "2025-03-01", "normal")
    # 200 DPD makes it substandard; an override to normal cannot lift it.
    as_of = (D("2025-02-10") + timedelta(days=200)).isoformat()
    assert _state(one_loan, as_of)["L1"]["classification"] == "substandard"


def test_latest_override_wins(one_loan: Engine) -> None:
    with one_loan.begin() as conn:
        override(conn, "L1", "2025-01-15", "loss")
        override(conn, "L1", "2025-01-20", "special_mention")
    assert _state(one_loan, "2025-01-18")["L1"]["classification"] == "loss"
    assert _state(one_loan, "2025-01-25")["L1"]["classification"] == "special_mention"


def _card_book(engine: Engine) -> None:
    """L1 on P1 (the settings' floors) and K1 on the card product P3 (90/120/180), the same schedule."""
    from db.models import Product

    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            Product.__table__.insert().values(
                product_id="P3",
                name="信用卡",
                category="consumer",
                repayment_method="equal_instalment",
                dpd_floors="90/120/180",
            )
        )
        for loan_id, product in (("L1", "P1"), ("K1", "P3")):
            loan(conn, loan_id, "3000", "2025-01-10", [("2025-02-10", "3000", "10")], product=product)


@pytest.mark.parametrize(
    ("dpd", "card", "other"),
    [
        (90, "special_mention", "special_mention"),
        (91, "substandard", "substandard"),
        (120, "substandard", "substandard"),
        (121, "doubtful", "substandard"),
        (180, "doubtful", "substandard"),
        (181, "loss", "substandard"),
    ],
)
def test_a_product_with_its_own_floors_is_classified_by_them(
    engine: Engine, dpd: int, card: str, other: str
) -> None:
    """products.dpd_floors 90/120/180 (credit cards, Art. 92) for K1's product; L1's keeps 90/270/360. Live,
    from a snapshot and from the snapshot groups alike; and a change of floors applies at once, without
    rebuilding the snapshot (class is derived from DPD at query time)."""
    from sqlalchemy import update

    from dashboard.config import load_config
    from dashboard.kpi.portfolio import portfolio
    from dashboard.kpi.snapshots import refresh
    from db.models import Product

    _card_book(engine)
    as_of = D("2025-02-10") + timedelta(days=dpd)
    config = load_config(engine)
    assert config.floors("P3") == (90, 120, 180) and config.floors("P1") == (90, 270, 360)
    with engine.connect() as conn:
        live = loans_at(conn, as_of=as_of, scope=Scope(), config=config).set_index("loan_id")
    assert (live.loc["K1", "dpd"], live.loc["K1", "classification"]) == (dpd, card)
    assert live.loc["L1", "classification"] == other
    with engine.begin() as conn:
        refresh(conn, dates=[as_of])
    with engine.connect() as conn:
        snap = loans_at(conn, as_of=as_of, scope=Scope(), config=config).set_index("loan_id")
        grouped = portfolio(conn, as_of=as_of, scope=Scope(), config=config)
    assert snap.loc["K1", "classification"] == card
    expected = {name: 0 for name in ("normal", "special_mention", "substandard", "doubtful", "loss")}
    expected[card] += 1
    expected[other] += 1
    assert grouped.count_by_class == expected
    with engine.begin() as conn:
        conn.execute(update(Product).where(Product.product_id == "P3").values(dpd_floors=None))
    with engine.connect() as conn:
        back = portfolio(conn, as_of=as_of, scope=Scope(), config=load_config(engine))
    assert back.count_by_class[other] == 2
