"""The M3 roll rate of rule W 四(1) (issue 16): a successor in the phone-collection post (电催岗) is judged on
the M3 roll of the loans they inherited from departed staff; other posts are not.

O3 (an account officer) left on 30 Jun 2024. The loans below are O3's, disbursed after the cut-off
(15 Jan 2024 here) unless said otherwise, and each has an instalment due on 15 Jul 2024: unpaid, it puts
the loan in M3 at 30 Sep 2024 (77 DPD) and in M3+ at 31 Oct 2024 (108 DPD). On 1 Sep 2024 they are handed
to C1 (a phone collector) or O2 (an account officer); October is the month judged.

    A  1,000  to C1  never pays                 -> worse
    B  3,000  to C1  pays the arrears 10 Oct    -> cured
    H  1,000  to C1  written off 20 Oct         -> worse
    Q  2,000  to C1  current (no arrears)       -> not in the M3 base
    E  5,000  to C1  disbursed before cut-off   -> left out
    G  7,000  to C1 only on 5 Oct               -> left out: O3's at the start of October
    F  9,000  to O2  never pays                 -> O2 is not judged on the roll
    N  4,000  C1's own loan, never handed over  -> left out: not inherited

So C1's M3 base is A + B + H = 5,000 and the worse part A + H = 2,000: a roll rate of 40%.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.actor import Actor
from dashboard.config import Config, in_range
from dashboard.kpi import snapshots
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import inherited_m3_roll, inherited_scores, roll_month
from dashboard.work.allocation import hand_over
from dashboard.work.saving import save
from tests.kpi.book import D, loan, pay, reference

CFG = Config(staff_cutoff=D("2024-01-15"))
MANAGER = Actor("m", "manager")
START, END = D("2024-09-30"), D("2024-10-31")


def _loan(conn, loan_id: str, principal: str, *, disbursed: str = "2024-02-01", **kw) -> None:  # type: ignore[no-untyped-def]
    half = str(Decimal(principal) / 2)
    loan(
        conn,
        loan_id,
        principal,
        disbursed,
        [("2024-07-15", half, "5"), ("2025-06-01", half, "5")],
        officer=kw.pop("officer", "O3"),
        **kw,
    )


@pytest.fixture(params=["live", "snapshots"])
def book(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        _loan(conn, "A", "1000")
        _loan(conn, "B", "3000")
        pay(conn, "B", 1, "2024-10-10", "1500", "5")
        _loan(conn, "H", "1000", written_off_on="2024-10-20")
        loan(conn, "Q", "2000", "2024-02-01", [("2025-06-01", "2000", "10")], officer="O3")
        _loan(conn, "E", "5000", disbursed="2024-01-01")
        _loan(conn, "G", "7000")
        _loan(conn, "F", "9000", branch="B2")
        _loan(conn, "N", "4000", officer="C1")
    for loans, successor, day in (
        (["A", "B", "H", "Q", "E"], "C1", "2024-09-01"),
        (["F"], "O2", "2024-09-01"),
        (["G"], "C1", "2024-10-05"),
    ):
        save(
            engine,
            MANAGER,
            None,
            lambda conn, ids=loans, s=successor, d=day: hand_over(
                conn, MANAGER, loan_ids=ids, departed_id="O3", successor_id=s, on=D(d)
            ),
        )
    if request.param == "snapshots":
        with engine.begin() as conn:
            snapshots.refresh(conn, dates=[START, END], analyze=False)
    return engine


def _rolls(engine: Engine, config: Config = CFG, as_of=END, scope=Scope()):  # type: ignore[no-untyped-def]  # noqa: B008
    with engine.connect() as conn:
        return inherited_m3_roll(conn, as_of=as_of, scope=scope, config=config)


def test_the_phone_collector_is_judged_on_the_m3_roll_of_what_they_inherited(book: Engine) -> None:
    (c1,) = _rolls(book)
    assert (c1.staff_id, c1.year, c1.month) == ("C1", 2024, 10)
    assert (c1.base_count, c1.base_balance, c1.worse_balance) == (3, Decimal("5000.00"), Decimal("2000.00"))
    assert c1.roll_rate == Decimal("0.4")
    assert c1.roll_max == CFG.successor_m3_roll_max


def test_only_the_loans_in_scope_count(book: Engine) -> None:
    (c1,) = _rolls(book, scope=Scope(branch_id="B1"))
    assert c1.roll_rate == Decimal("0.4")
    assert _rolls(book, scope=Scope(branch_id="B2")) == []


def test_pass_and_fail_at_the_limit(book: Engine) -> None:
    (at,) = _rolls(book, replace(CFG, successor_m3_roll_max=Decimal("0.40")))
    (under,) = _rolls(book, replace(CFG, successor_m3_roll_max=Decimal("0.3999")))
    assert at.within_limit is True
    assert under.within_limit is False


def test_a_successor_in_another_post_is_not_judged_on_it(book: Engine) -> None:
    with book.connect() as conn:
        scores = inherited_scores(conn, as_of=END, scope=Scope(), config=CFG)
    # O2 inherited F (in M3, rolling) and is assessed on overdue and NPL, but not on the M3 roll.
    assert {s.staff_id for s in scores} == {"C1", "O2"}
    assert [r.staff_id for r in _rolls(book)] == ["C1"]


def test_the_month_judged_is_the_last_one_over(book: Engine) -> None:
    assert roll_month(D("2024-10-31")) == (2024, 10)
    assert roll_month(D("2024-11-15")) == (2024, 10)
    assert roll_month(D("2024-11-30")) == (2024, 11)
    # Mid-November October is still the month judged, with the same figure.
    (c1,) = _rolls(book, as_of=D("2024-11-15"))
    assert (c1.month, c1.roll_rate) == (10, Decimal("0.4"))
    # September: at the end of August nothing inherited was held yet (handed over on 1 September).
    assert _rolls(book, as_of=D("2024-09-30")) == []


def test_nothing_in_m3_at_the_start_gives_no_rate_and_no_verdict(book: Engine) -> None:
    # November: A and F are in M3+ at the end of October, B is current, H written off; only Q remains, in M0.
    (c1,) = _rolls(book, as_of=D("2024-11-30"))
    assert (c1.base_count, c1.roll_rate, c1.within_limit) == (0, None, None)


def test_the_limit_is_a_share() -> None:
    assert in_range("successor_m3_roll_max", Decimal("0.95"))
    assert not in_range("successor_m3_roll_max", Decimal("1.01"))
    assert not in_range("successor_m3_roll_max", Decimal("-0.01"))
