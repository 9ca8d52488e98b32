"""Periodic checks as a due list (issue 17, DOMAIN rule 5): each loan's next periodic check and whether it
is late, with Art. 45's exemptions as settings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, insert, update

from dashboard.config import Config
from dashboard.kpi.inspection_lists import next_periodic_check, periodic_due_list
from dashboard.kpi.scope import Scope
from db.models import Inspection, Product
from tests.kpi.book import D, act, loan, pay, reference

MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
LONG = [("2026-06-10", "3000", "10")]


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (None, "2025-07-10"),
        ("2025-07-01", "2026-01-10"),  # in the first task's window
        ("2025-07-10", "2026-01-10"),  # on its day
        ("2025-07-11", "2026-07-10"),  # late for the first: it covers the second
    ],
)
def test_next_periodic_check(last: str | None, due: str) -> None:
    assert next_periodic_check(D("2025-01-10"), 6, D(last) if last else None) == D(due)


def _inspect(conn, loan_id: str, done_on: str) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        insert(Inspection).values(
            inspection_id=f"I-{loan_id}-{done_on}",
            loan_id=loan_id,
            kind="periodic",
            done_on=D(done_on),
            method="onsite",
            staff_id="O1",
        )
    )


@pytest.fixture
def book(engine: Engine) -> Engine:
    """B, C, D: business loans (P2, every 6 months; C checked in July, D in litigation). A: a consumer
    instalment loan (P1, every 3 months here) never overdue; E: the same, once late."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(update(Product).where(Product.product_id == "P1").values(periodic_check_months=3))
        loan(conn, "A", "2000", "2025-01-10", [("2025-02-10", "1000", "10"), ("2025-09-10", "1000", "10")])
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        loan(conn, "E", "3000", "2025-01-10", MONTHLY)
        pay(conn, "E", 1, "2025-02-11", "1000", "10")
        for loan_id in ("B", "C", "D"):
            loan(conn, loan_id, "3000", "2025-01-10", LONG, product="P2")
        _inspect(conn, "C", "2025-07-01")
        act(conn, "D", "2025-05-02T10:00:00", "legal", staff="O1")
    return engine


def test_the_due_list_puts_late_checks_first_and_leaves_out_the_exempt(book: Engine) -> None:
    with book.connect() as conn:
        frame = periodic_due_list(conn, as_of=D("2025-08-01"), scope=Scope(), config=Config())
        every = periodic_due_list(
            conn,
            as_of=D("2025-08-01"),
            scope=Scope(),
            config=Config(periodic_exempt_instalment=0, periodic_exempt_litigation=0),
        )
    rows = [(r.loan_id, r.next_due, r.late, r.days_late) for r in frame.itertuples()]
    # A is exempt (instalments, never late); E was late once, so it is not; D is in litigation.
    assert rows == [
        ("E", D("2025-04-10"), True, 113),
        ("B", D("2025-07-10"), True, 22),
        ("C", D("2026-01-10"), False, 0),
    ]
    assert sorted(every["loan_id"]) == ["A", "B", "C", "D", "E"]
    assert frame.loc[frame["loan_id"] == "C", "last_check"].tolist() == [date(2025, 7, 1)]
