"""Collection compliance per collector and per agency (issue 16 item 6) on a hand-built book, worked out
on paper in the comments; the hand-over day belongs to the new collector only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from dashboard.config import Config
from dashboard.kpi.compliance import compliance
from dashboard.kpi.scope import Scope
from db.models import CollectionAction, CollectorAssignment, Contact, Staff
from tests.kpi.book import D, act, loan, pay, place, reference

START, END, AS_OF = date(2025, 3, 1), date(2025, 3, 31), date(2025, 3, 6)
CONFIG = Config(lost_contact_days=2, lost_contact_visit_days=1)


def assign(conn, loan_id: str, staff_id: str, start: str, end: str | None = None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        insert(CollectorAssignment),
        [
            {
                "loan_id": loan_id,
                "staff_id": staff_id,
                "assigned_on": D(start),
                "ended_on": D(end) if end else None,
            }
        ],
    )


def contact_call(conn, loan_id: str, at: str, staff: str) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        insert(CollectionAction).values(
            action_id=f"K{loan_id}{at}",
            loan_id=loan_id,
            acted_at=datetime.fromisoformat(at),
            channel="call",
            staff_id=staff,
            result="no_answer",
            contact_id="K1a",
        )
    )


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
                    "role": "phone_collector",
                    "branch_id": "B1",
                    "joined_on": D("2020-01-01"),
                }
            ],
        )
        conn.execute(
            insert(Contact), [{"contact_id": "K1a", "customer_id": "K1", "name": "王父", "phone": "1"}]
        )
        # E: due 03-01, C1's from 03-01. DPD 1-3 on 03-02..03-04, M1 on 03-02..03-06.
        loan(conn, "E", "1000", "2025-01-01", [("2025-03-01", "1000", "0")])
        assign(conn, "E", "C1", "2025-03-01")
        act(conn, "E", "2025-03-02T09:00:00", "call", staff="C1", result="no_answer")
        act(conn, "E", "2025-03-02T15:00:00", "call", staff="C1", result="no_answer")  # twice: done
        act(conn, "E", "2025-03-03T09:00:00", "call", staff="C1", result="no_answer")
        contact_call(conn, "E", "2025-03-03T10:00:00", "C1")  # once to the borrower: not twice, but called
        contact_call(conn, "E", "2025-03-05T10:00:00", "C1")  # a contact: M1 called
        act(conn, "E", "2025-03-06T09:00:00", "call", staff="O1", result="no_answer")  # not C1's call
        # F: due 02-28, C1's on 03-01 and 03-02 (DPD 1, 2), C2's from the hand-over day 03-03 (DPD 3..6).
        loan(conn, "F", "1000", "2025-01-01", [("2025-02-28", "1000", "0")])
        assign(conn, "F", "C1", "2025-03-01", "2025-03-03")
        assign(conn, "F", "C2", "2025-03-03")
        act(conn, "F", "2025-03-03T09:00:00", "call", staff="C1", result="no_answer")  # C1 no longer holds F
        act(conn, "F", "2025-03-03T10:00:00", "call", staff="C1", result="no_answer")
        act(conn, "F", "2025-03-03T11:00:00", "call", staff="C2", result="no_answer")
        act(conn, "F", "2025-03-03T12:00:00", "call", staff="C2", result="no_answer")  # C2: twice on its day
        # Agency A1's loans, all due 02-10 (DPD 19..24 in the period), lost contact after two unreached days.
        for loan_id, amount in (
            ("G", "50000"),
            ("G2", "50000"),
            ("G3", "50000"),
            ("H", "49999.99"),
            ("H2", "1000"),
        ):
            loan(conn, loan_id, amount, "2025-01-01", [("2025-02-10", amount, "0")])
            place(conn, loan_id, "A1", "2025-02-01", amount)
        for loan_id in ("G", "G2", "H", "H2"):  # lost on 02-21: G's visit is due by 02-22
            for day in ("20", "21"):
                act(conn, loan_id, f"2025-02-{day}T10:00:00", "call", agency="A1", result="no_answer")
        act(conn, "G", "2025-02-22T10:00:00", "field_visit", agency="A1", result="no_answer")  # in time
        act(conn, "G2", "2025-02-23T10:00:00", "field_visit", agency="A1", result="no_answer")  # a day late
        for day in ("05", "06"):  # G3 lost on 03-06: its visit is not due yet on 03-06
            act(conn, "G3", f"2025-03-{day}T10:00:00", "call", agency="A1", result="no_answer")
        conn.execute(
            insert(CollectionAction).values(
                action_id="REPAIR",
                loan_id="H",
                acted_at=datetime(2025, 2, 22, 10),
                channel="sms",
                agency_id="A1",
                result="no_answer",
                info_repaired=True,
            )
        )
    return engine


def rows(engine: Engine, by: str, scope: Scope | None = None) -> dict[str, dict]:
    with engine.connect() as conn:
        frame = compliance(
            conn, start=START, end=END, as_of=AS_OF, scope=scope or Scope(), config=CONFIG, by=by
        )
    return {row["holder_id"]: row for row in frame.to_dict("records")}


def test_collectors_calls_twice_a_day_and_m1_coverage(book: Engine) -> None:
    found = rows(book, "collector")
    c1, c2 = found["C1"], found["C2"]
    # C1: E on 03-02..03-04 and F on 03-01, 03-02 at 1-3 DPD; only E on 03-02 had two borrower calls.
    assert (c1["twice_days"], c1["twice_done"], c1["twice_rate"]) == (5, 1, Decimal(1) / 5)
    # C1: E on 03-02..03-06 and F on 03-01, 03-02 in M1; called E on 03-02, 03-03, 03-05.
    assert (c1["m1_days"], c1["m1_called"]) == (7, 3)
    # C2: F from 03-03 (DPD 3..6); the two calls of 03-03 are C2's.
    assert (c2["twice_days"], c2["twice_done"], c2["m1_days"], c2["m1_called"]) == (1, 1, 4, 1)
    # With two unreached days enough (CONFIG), E lost contact on 03-03 and was not repaired; F was tried
    # on one day only.
    assert (c1["lost_big"], c1["visit_rate"], c1["lost_small"], c1["repair_rate"]) == (0, None, 1, Decimal(0))
    assert (c2["lost_small"], c2["repair_rate"]) == (0, None)


def test_agencies_visits_within_the_days_and_repairs_below_the_amount(book: Engine) -> None:
    a1 = rows(book, "agency")["A1"]
    assert (a1["lost_big"], a1["visited_in_time"], a1["visit_rate"]) == (2, 1, Decimal("0.5"))  # G3 not due
    assert (a1["lost_small"], a1["repaired"], a1["repair_rate"]) == (
        2,
        1,
        Decimal("0.5"),
    )  # 49,999.99 is small
    assert (a1["twice_days"], a1["twice_rate"]) == (0, None)
    assert (a1["m1_days"], a1["m1_called"]) == (30, 2)  # five loans on six days; G3's calls on 03-05, 03-06


def test_a_scope_without_the_loans_has_no_rows(book: Engine) -> None:
    assert rows(book, "collector", Scope(officer_id="O2")) == {}


def test_a_loan_paid_the_day_after_its_due_date_has_no_loan_day(book: Engine) -> None:
    with book.begin() as conn:
        conn.execute(
            insert(Staff),
            [
                {
                    "staff_id": "C3",
                    "name": "C3",
                    "role": "phone_collector",
                    "branch_id": "B1",
                    "joined_on": D("2020-01-01"),
                }
            ],
        )
        for loan_id, paid_on in (("P1", "2025-03-03"), ("P2", "2025-03-04")):
            loan(conn, loan_id, "1000", "2025-01-01", [("2025-03-02", "1000", "0")])
            pay(conn, loan_id, 1, paid_on, "1000")
            assign(conn, loan_id, "C3", "2025-03-01")
    c3 = rows(book, "collector")["C3"]
    assert (c3["twice_days"], c3["m1_days"]) == (1, 1)  # P2 at 1 DPD on 03-03; P1 never past due
