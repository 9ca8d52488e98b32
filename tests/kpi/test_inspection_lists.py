"""First checks per officer and month, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.inspection_lists import first_checks_by_officer_month
from dashboard.kpi.scope import Scope
from tests.kpi.book import D, inspect, loan, reference

ONE = [("2025-06-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """First checks: A (self, due 13 Jan) on time; B (due 17 Jan) never; E (due 10 Feb) two days late;
    C (O2, due 8 Dec) never; F (disbursed 10 Mar, due 17 Mar) on time."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "1000", "2025-01-10", ONE, mode="self")
        loan(conn, "B", "1000", "2025-01-10", ONE)
        loan(conn, "E", "1000", "2025-02-03", ONE)
        loan(conn, "C", "1000", "2024-12-01", ONE, branch="B2", officer="O2")
        loan(conn, "F", "1000", "2025-03-10", ONE)
        inspect(conn, "A", "first", "2025-01-12")
        inspect(conn, "E", "first", "2025-02-12")
        inspect(conn, "F", "first", "2025-03-17")
        inspect(conn, "B", "periodic", "2025-01-15")  # not a first check
    return engine


def _rows(engine: Engine, **kwargs) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        frame = first_checks_by_officer_month(conn, **kwargs)
    return list(frame.itertuples(index=False, name=None))


def test_officer_by_month(book: Engine) -> None:
    assert _rows(
        book, year=2025, month=3, months=6, as_of=D("2025-03-20"), scope=Scope(), config=Config()
    ) == [
        ("O1", "2025-01", 2, 1, Decimal("0.5")),
        ("O1", "2025-02", 1, 0, Decimal(0)),
        ("O1", "2025-03", 1, 1, Decimal(1)),
        ("O2", "2024-12", 1, 0, Decimal(0)),
    ]


def test_window_scope_and_as_of(book: Engine) -> None:
    assert _rows(
        book, year=2025, month=3, months=2, as_of=D("2025-03-20"), scope=Scope(), config=Config()
    ) == [
        ("O1", "2025-02", 1, 0, Decimal(0)),
        ("O1", "2025-03", 1, 1, Decimal(1)),
    ]
    # As of 15 January B is not due yet, and F's check is not after the as-of date.
    assert _rows(
        book,
        year=2025,
        month=3,
        months=6,
        as_of=D("2025-01-15"),
        scope=Scope(branch_id="B1"),
        config=Config(),
    ) == [
        ("O1", "2025-01", 1, 1, Decimal(1)),
    ]
    assert (
        _rows(book, year=2024, month=6, months=3, as_of=D("2025-03-20"), scope=Scope(), config=Config()) == []
    )


def test_due_days_come_from_config(book: Engine) -> None:
    # With a 14-day allowance E's check on 12 Feb is on time (due 17 Feb).
    rows = _rows(
        book,
        year=2025,
        month=2,
        months=1,
        as_of=D("2025-03-20"),
        scope=Scope(),
        config=Config(first_check_days_entrusted=14),
    )
    assert rows == [("O1", "2025-02", 1, 1, Decimal(1))]
