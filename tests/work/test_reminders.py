"""Reminders (issue 17): instalments due soon, bullet loans maturing soon, a revisit after a first overdue;
"reminded" records each once; coverage by kind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.reminders import reminder_coverage
from dashboard.kpi.scope import Scope
from dashboard.work.errors import FormInvalid, NotAllowed, WorkError
from dashboard.work.reminders import record_reminder, reminder_list
from dashboard.work.visits import VisitForm, record_visit
from dashboard.work.warnings import open_warnings
from db.models import Product
from tests.kpi.book import D, loan, pay, reference

TODAY = D("2025-03-12")
CONFIG = Config(reminder_days=30, maturity_notice_days=30)
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """A: paid to date. B: instalment 2 unpaid (first overdue 03-11). M: a bullet loan maturing 04-01."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Product).values(
                product_id="P3", name="到期还本", category="business", repayment_method="bullet"
            )
        )
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        pay(conn, "B", 1, "2025-02-10", "1000", "10")
        loan(conn, "M", "5000", "2025-01-01", [("2025-04-01", "5000", "50")], product="P3")
        open_warnings(conn, as_of=D("2025-03-11"), config=CONFIG)
    return engine


def _listed(engine: Engine, actor: Actor = OFFICER, config: Config = CONFIG) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        frame = reminder_list(conn, actor, TODAY, config)
    return [(r.kind, r.loan_id, r.due_on, r.reminded_on) for r in frame.itertuples()]


def test_the_list_has_each_kind_in_its_window(book: Engine) -> None:
    assert _listed(book) == [
        ("revisit", "B", D("2025-03-11"), None),
        ("maturity", "M", D("2025-04-01"), None),
        ("instalment", "A", D("2025-04-10"), None),
        ("instalment", "B", D("2025-04-10"), None),
    ]
    # The default windows: instalments within 3 days (none), maturities within 30.
    assert [kind for kind, *_ in _listed(book, config=Config())] == ["revisit", "maturity"]
    assert _listed(book, OFFICER_2) == []


def test_reminded_records_each_once_and_a_visit_answers_the_revisit(book: Engine) -> None:
    record_reminder(book, OFFICER, "A", "instalment", D("2025-04-10"), "sms", "t1", TODAY)
    with pytest.raises(WorkError):
        record_reminder(book, OFFICER, "A", "instalment", D("2025-04-10"), "call", "t2", TODAY)
    with pytest.raises(FormInvalid) as refused:
        record_reminder(book, OFFICER, "A", "instalment", D("2025-04-10"), None, "t3", TODAY)
    assert set(refused.value.errors) == {"channel"}
    with pytest.raises(NotAllowed):
        record_reminder(book, OFFICER_2, "A", "instalment", D("2025-04-10"), "sms", "t4", TODAY)
    record_visit(
        book,
        OFFICER,
        VisitForm("B", visited_on=TODAY, method="phone", stage="repayment", content="逾期原因：资金周转"),
        "t5",
        today=TODAY,
    )
    assert _listed(book)[-1] == ("instalment", "A", D("2025-04-10"), TODAY)  # reminded: last
    assert "revisit" not in [kind for kind, *_ in _listed(book)]
    with book.connect() as conn:
        frame = reminder_coverage(
            conn,
            start=D("2025-03-01"),
            end=D("2025-04-30"),
            as_of=D("2025-04-30"),
            scope=Scope(),
            config=CONFIG,
        )
    rows = {r.kind: (r.items, r.reminded, r.coverage) for r in frame.itertuples()}
    assert rows == {
        "instalment": (4, 1, Decimal("0.25")),  # A and B, March and April; A's April reminded
        "maturity": (1, 0, Decimal(0)),
        "revisit": (1, 1, Decimal(1)),  # visited the day after
    }
