"""Issue 22 item 10: actions before disbursement or 2000, follow-ups in 9999 and amounts like 1,0,0,0 are
refused with a field message; nothing is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.work.collection import parse_amount
from dashboard.work.errors import FormInvalid
from dashboard.work.visits import record_visit
from tests.kpi.book import loan, reference
from tests.work.test_collection import COLLECTOR, call, refused
from tests.work.test_collection import book as book
from tests.work.test_visits import GOOD, RISK, TODAY


@pytest.mark.parametrize("text", ["1,0,0,0", "10,00", ",100", "1,000,00", "1.000,00", "１０００"])
def test_an_amount_with_misplaced_commas_is_refused(text: str) -> None:
    amount, problem = parse_amount(text)
    assert amount is None and problem is not None and problem[0] == "action.err.amount_format"


@pytest.mark.parametrize(("text", "value"), [("1,000", "1000"), ("12,345.67", "12345.67"), ("1000", "1000")])
def test_grouped_thousands_are_read(text: str, value: str) -> None:
    assert parse_amount(text) == (Decimal(value), None)


@pytest.mark.parametrize(
    "acted_at",
    [datetime(2025, 1, 9, 10, 0), datetime(1900, 1, 1, 10, 0)],  # B was disbursed on 2025-01-10
)
def test_an_action_before_the_disbursement_is_refused(book: Engine, acted_at: datetime) -> None:
    errors = refused(book, COLLECTOR, call(acted_at=acted_at, ptp_on=acted_at.date().replace(day=20)))
    assert "acted_at" in errors and "before 2025-01-10" in errors["acted_at"]


def test_a_promise_in_9999_is_refused(book: Engine) -> None:
    errors = refused(book, COLLECTOR, call(ptp_on=date(9999, 12, 31)))
    assert "ptp_on" in errors


@pytest.fixture
def visits_book(engine: Engine) -> Engine:
    """Loan A (B11, officer O1) disbursed 2025-01-10."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", [("2025-02-10", "1000", "10")])
    return engine


def test_a_visit_follow_up_in_9999_is_refused(visits_book: Engine) -> None:
    form = replace(GOOD, next_follow_up_on=date(9999, 12, 31))
    with pytest.raises(FormInvalid) as caught:
        record_visit(visits_book, RISK, form, None, today=TODAY, config=Config())
    assert "next_follow_up_on" in caught.value.errors
    # The horizon is the setting's: 21 days after 2025-03-18 is refused under 20 and saved under 21.
    later = replace(GOOD, next_follow_up_on=date(2025, 4, 8))
    with pytest.raises(FormInvalid):
        record_visit(visits_book, RISK, later, None, today=TODAY, config=Config(follow_up_max_days=20))
    assert record_visit(visits_book, RISK, later, None, today=TODAY, config=Config(follow_up_max_days=21))


def test_a_visit_in_1900_is_refused(visits_book: Engine) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_visit(visits_book, RISK, replace(GOOD, visited_on=date(1900, 1, 1)), None, today=TODAY)
    assert caught.value.errors["visited_on"][0] == "work.err.before"
