"""First checks, periodic checks, sampling, visit plan and issue feedback, worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from dashboard.config import Config
from dashboard.kpi.inspections import first_checks, pending_first_checks, periodic_checks, sampling
from dashboard.kpi.issues import issue_figures
from dashboard.kpi.periods import shift_months
from dashboard.kpi.scope import Scope
from dashboard.kpi.visits import visit_plan
from db.models import Loan, Product, Repayment
from seed import generate, write_to_database
from tests.kpi.book import D, inspect, issue, loan, pay, reference, visit

CONFIG = Config()
ONE = [("2026-01-01", "1000", "0")]


def test_first_checks(engine: Engine) -> None:
    """Due: S (self, 1 Mar + 3 = 4 Mar), E (entrusted, 1 Mar + 7 = 8 Mar), L (entrusted, 25 Mar -> 1 Apr).
    S done on 4 Mar (on time), E done 9 Mar (late), L not done; X due 31 Mar done on 2 Apr (after D)."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "S", "1000", "2025-03-01", ONE, mode="self")
        loan(conn, "E", "1000", "2025-03-01", ONE, mode="entrusted")
        loan(conn, "X", "1000", "2025-03-24", ONE, mode="entrusted")
        loan(conn, "L", "1000", "2025-03-25", ONE, mode="entrusted")
        loan(conn, "N", "1000", "2025-02-20", ONE, mode="self")  # due 23 Feb: before the period
        inspect(conn, "S", "first", "2025-03-04")
        inspect(conn, "E", "first", "2025-03-09")
        inspect(conn, "X", "first", "2025-04-02")
        inspect(conn, "S", "periodic", "2025-03-02")  # not a first check
        fc = first_checks(
            conn,
            start=D("2025-03-01"),
            end=D("2025-03-31"),
            as_of=D("2025-03-31"),
            scope=Scope(),
            config=CONFIG,
        )
        assert (fc.due, fc.done, fc.on_time, fc.pending) == (3, 2, 1, 1)
        assert fc.completion_rate == Decimal(2) / Decimal(3)
        assert fc.on_time_rate == Decimal(1) / Decimal(3)
        # As of 3 Mar nothing has fallen due yet: the rates are empty, not zero.
        early = first_checks(
            conn,
            start=D("2025-03-01"),
            end=D("2025-03-31"),
            as_of=D("2025-03-03"),
            scope=Scope(),
            config=CONFIG,
        )
        assert (early.due, early.completion_rate) == (0, None)
        # A check done after D does not count as of D; it does later.
        later = first_checks(
            conn,
            start=D("2025-03-01"),
            end=D("2025-04-30"),
            as_of=D("2025-04-05"),
            scope=Scope(),
            config=CONFIG,
        )
        assert (later.due, later.done, later.on_time) == (4, 3, 1)
        pending = pending_first_checks(
            conn,
            start=D("2025-03-01"),
            end=D("2025-04-30"),
            as_of=D("2025-04-05"),
            scope=Scope(),
            config=CONFIG,
        )
        assert pending["loan_id"].tolist() == ["L"]
        assert pending["days_late"].tolist() == [4]


def test_periodic_checks(engine: Engine) -> None:
    """P2 has a 6-month interval. G disbursed 31 Aug 2024: tasks 28 Feb 2025 and 31 Aug 2025.
    H disbursed 15 Sep 2024: task 15 Mar 2025, checked late on 20 Mar. J repaid before its task."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "G", "1000", "2024-08-31", [("2026-08-31", "1000", "0")], product="P2")
        loan(conn, "H", "1000", "2024-09-15", [("2026-09-15", "1000", "0")], product="P2")
        loan(conn, "J", "1000", "2024-09-10", [("2026-09-10", "1000", "0")], product="P2")
        loan(conn, "K", "1000", "2024-09-10", [("2026-09-10", "1000", "0")], product="P1")  # no interval
        pay(conn, "J", 1, "2025-01-05", "1000")
        inspect(conn, "G", "periodic", "2025-01-10")  # within (31 Aug 2024, 28 Feb 2025]
        inspect(conn, "H", "periodic", "2025-03-20")
        q1 = periodic_checks(
            conn,
            start=D("2025-01-01"),
            end=D("2025-03-31"),
            as_of=D("2025-03-31"),
            scope=Scope(),
            config=CONFIG,
        )
        assert (q1.due, q1.on_time, q1.late, q1.missing) == (2, 1, 1, 0)
        assert q1.on_time_rate == Decimal("0.5")
        # As of 18 Mar, H's check has not come yet: it is missing, not late.
        mid = periodic_checks(
            conn,
            start=D("2025-01-01"),
            end=D("2025-03-31"),
            as_of=D("2025-03-18"),
            scope=Scope(),
            config=CONFIG,
        )
        assert (mid.due, mid.on_time, mid.late, mid.missing) == (2, 1, 0, 1)
        q3 = periodic_checks(
            conn,
            start=D("2025-07-01"),
            end=D("2025-09-30"),
            as_of=D("2025-09-30"),
            scope=Scope(),
            config=CONFIG,
        )
        # G's second task (31 Aug 2025) and H's (15 Sep 2025): H's 20 Mar check is in its window.
        assert (q3.due, q3.on_time, q3.late) == (2, 1, 0)


def test_sampling(engine: Engine) -> None:
    """O1 disbursed 11 loans in Feb: ⌈1.1⌉ = 2 required in March, one sampled on site by the 20th."""
    with engine.begin() as conn:
        reference(conn)
        for n in range(11):
            loan(conn, f"F{n}", "1000", f"2025-02-{n + 1:02d}", ONE)
        loan(conn, "G0", "1000", "2025-02-03", ONE, officer="O2")
        inspect(conn, "F0", "sampling", "2025-03-05")
        inspect(conn, "F1", "sampling", "2025-03-21")  # after the 20th
        inspect(conn, "F2", "sampling", "2025-03-06", method="phone")  # not on site
        inspect(conn, "G0", "sampling", "2025-03-10")
        frame = sampling(conn, year=2025, month=3, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
    rows = {r["officer_id"]: r for r in frame.to_dict("records")}
    assert (rows["O1"]["required"], rows["O1"]["done"], rows["O1"]["rate"]) == (2, 1, Decimal("0.5"))
    # O2: ⌈0.1⌉ = 1 required, 1 done: the rate is capped at 1.
    assert (rows["O2"]["required"], rows["O2"]["done"], rows["O2"]["rate"]) == (1, 1, Decimal(1))


def test_visit_plan(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "V1", "1000", "2024-12-01", ONE)
        loan(conn, "V2", "1000", "2024-12-01", ONE)
        loan(conn, "V3", "1000", "2025-02-01", ONE)  # not active through the whole quarter
        loan(conn, "V4", "1000", "2024-12-01", ONE)
        pay(conn, "V4", 1, "2025-02-01", "1000")  # repaid during the quarter
        visit(conn, "V1", "2025-02-14")
        visit(conn, "V2", "2024-12-30")  # previous quarter
        visit(conn, "V3", "2025-02-14")
        plan = visit_plan(conn, year=2025, quarter=1, as_of=D("2025-06-30"), scope=Scope(), config=CONFIG)
    assert (plan.planned, plan.done) == (2, 1)
    assert plan.completion == Decimal("0.5")


def test_issue_feedback_and_resolution(engine: Engine) -> None:
    """7 Mar 2025 is a Friday: its deadline is Monday 10 Mar."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "I1", "1000", "2024-12-01", ONE)
        issue(conn, "I1", "important", "2025-03-07", reported_on="2025-03-10", resolved_on="2025-03-20")
        issue(conn, "I1", "major", "2025-03-04", reported_on="2025-03-06")  # Tue: deadline Wed 5th, late
        issue(conn, "I1", "major", "2025-03-08", reported_on="2025-03-10")  # Sat: deadline Mon 10th
        issue(conn, "I1", "general", "2025-03-05", resolved_on="2025-04-02")  # resolved after D
        issue(conn, "I1", "important", "2025-04-02")  # outside the period
        figures = issue_figures(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
    assert (figures.raised, figures.serious, figures.reported_on_time, figures.resolved) == (4, 3, 2, 1)
    assert figures.feedback_on_time_rate == Decimal(2) / Decimal(3)
    assert figures.resolution_rate == Decimal("0.25")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-10-01", "2026-10-31"),  # a month
        ("2026-01-31", "2026-03-02"),  # a range from a 31st, across a February
        ("2026-04-01", "2026-09-30"),  # six months: some loans have two checks in it
    ],
)
def test_periodic_checks_count_every_task_of_a_generated_book(engine: Engine, start: str, end: str) -> None:
    """The tasks counted equal a plain enumeration of every loan's n × k-month dates."""
    first, last = D(start), D(end)
    write_to_database(engine, generate(n_loans=300, seed=5, as_of=D("2026-10-31")))
    with engine.connect() as conn:
        counted = periodic_checks(conn, start=first, end=last, as_of=last, scope=Scope(), config=CONFIG).due
        loans = conn.execute(
            select(
                Loan.loan_id,
                Loan.disbursed_on,
                Loan.principal,
                Loan.written_off_on,
                Product.periodic_check_months,
            )
            .join(Product, Product.product_id == Loan.product_id)
            .where(Product.periodic_check_months.is_not(None), Loan.disbursed_on < last)
        ).all()
        paid = conn.execute(select(Repayment.loan_id, Repayment.paid_on, Repayment.principal_paid)).all()
    repaid: dict[str, list[tuple[date, Decimal]]] = {}
    for loan_id, paid_on, principal in paid:
        repaid.setdefault(loan_id, []).append((paid_on, principal))
    expected = 0
    for loan_id, disbursed_on, principal, written_off_on, k in loans:
        n = 1
        while (due := shift_months(disbursed_on, n * k)) <= last:
            left = principal - sum(p for d, p in repaid.get(loan_id, []) if d <= due)
            if due >= first and (written_off_on is None or written_off_on > due) and left >= Decimal("0.005"):
                expected += 1
            n += 1
    assert counted == expected > 0
