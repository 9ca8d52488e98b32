"""Promises to pay due on D and broken promises (dashboard.kpi.promises), both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.kpi.promises import broken_promises, promises_due
from dashboard.kpi.scope import Scope
from dashboard.kpi.tasks import UnknownHolder
from db.models import CollectorAssignment
from tests.kpi.book import act, loan, pay, place, reference

D = date(2025, 3, 20)
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """A (B11, O1): promise due on D, 300 of 1,000 paid since. B (B11, placed with A1): promise of 500 due
    D-2, met by 500 on D-3 (kept); promise of 800 due D-1, 200 paid (broken). C (B2, O2): promise due D-5
    unpaid (broken), one due D-10 (too old to list)."""
    with engine.begin() as conn:
        reference(conn)
        for loan_id, branch, officer in (("A", "B11", "O1"), ("B", "B11", "O1"), ("C", "B2", "O2")):
            loan(conn, loan_id, "2000", "2025-01-10", MONTHLY, branch=branch, officer=officer)
        place(conn, "B", "A1", "2025-03-01", "2000")
        conn.execute(
            insert(CollectorAssignment).values(
                assignment_id="CA1", loan_id="C", staff_id="C1", assigned_on=date(2025, 3, 1)
            )
        )
        act(
            conn,
            "A",
            "2025-03-15T10:00:00",
            "call",
            staff="O1",
            result="ptp",
            ptp_amount="1000",
            ptp_on="2025-03-20",
        )
        pay(conn, "A", None, "2025-03-16", "250", "50")
        act(
            conn,
            "B",
            "2025-03-12T10:00:00",
            "call",
            agency="A1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-18",
        )
        pay(conn, "B", None, "2025-03-17", "500")
        act(
            conn,
            "B",
            "2025-03-18T11:00:00",
            "call",
            agency="A1",
            result="ptp",
            ptp_amount="800",
            ptp_on="2025-03-19",
        )
        pay(conn, "B", None, "2025-03-19", "200")
        act(
            conn,
            "C",
            "2025-03-10T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="600",
            ptp_on="2025-03-15",
        )
        act(
            conn,
            "C",
            "2025-03-01T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="600",
            ptp_on="2025-03-10",
        )
    return engine


def test_promises_due_today_with_what_is_paid_and_still_short(book: Engine) -> None:
    with book.connect() as conn:
        due = promises_due(conn, as_of=D, scope=Scope())
    assert due["loan_id"].tolist() == ["A"]
    row = due.iloc[0]
    assert (row["promised_on"], row["ptp_on"]) == (date(2025, 3, 15), D)
    assert (row["ptp_amount"], row["paid"], row["short"]) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("700.00"),
    )
    assert row["by"] == "O1"
    with book.connect() as conn:
        later = promises_due(conn, as_of=date(2025, 3, 21), scope=Scope())
    assert later.empty


def test_broken_promises_are_the_unmet_ones_of_the_days_before(book: Engine) -> None:
    with book.connect() as conn:
        broken = broken_promises(conn, as_of=D, scope=Scope())
        wider = broken_promises(conn, as_of=D, scope=Scope(), days=14)
    # B's 500 was kept; C's of D-10 is older than the week listed; A's is due today, not yet broken.
    assert list(zip(broken["loan_id"], broken["ptp_on"], strict=True)) == [
        ("B", date(2025, 3, 19)),
        ("C", date(2025, 3, 15)),
    ]
    assert broken["short"].tolist() == [Decimal("600.00"), Decimal("600.00")]
    assert wider["loan_id"].tolist() == ["B", "C", "C"]
    with book.connect() as conn:
        # The day after: A's promise, 300 of 1,000 paid, is broken too.
        assert "A" in broken_promises(conn, as_of=date(2025, 3, 21), scope=Scope())["loan_id"].tolist()


def test_scope_and_holder(book: Engine) -> None:
    with book.connect() as conn:
        branch = broken_promises(conn, as_of=D, scope=Scope(branch_id="B1"))
        officer = broken_promises(conn, as_of=D, scope=Scope(actor=Actor("o1", "officer", staff_id="O1")))
        collector = broken_promises(conn, as_of=D, scope=Scope(), staff_id="C1")
        agency = broken_promises(conn, as_of=D, scope=Scope(), agency_id="A1")
        agency_due = promises_due(conn, as_of=D, scope=Scope(), agency_id="A1")
        with pytest.raises(UnknownHolder):
            promises_due(conn, as_of=D, scope=Scope(), staff_id="NOBODY")
    assert branch["loan_id"].tolist() == ["B"]
    assert officer["loan_id"].tolist() == ["B"]
    assert collector["loan_id"].tolist() == ["C"]
    assert agency["loan_id"].tolist() == ["B"] and agency_due.empty
