"""Agency scorecard, officer KPIs, collector recoveries, hand-over list and vintage, by hand."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, insert

from dashboard.config import Config
from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.portfolio import loans_at
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import collector_recoveries, handover_list, officer_scores
from dashboard.kpi.vintage import vintage
from db.models import CollectorAssignment
from tests.kpi.book import D, act, loan, override, pay, place, reference

CONFIG = Config()
TWO = [("2025-01-10", "500", "10"), ("2025-02-10", "500", "10")]


def test_agency_scorecard(engine: Engine) -> None:
    """March 2025, as of 31 Mar. A1 holds P (placed 15 Feb, open) and Q (placed 1 Mar, recalled 20 Mar);
    R was recalled before March and does not count. A2 holds nothing."""
    with engine.begin() as conn:
        reference(conn)
        for loan_id in ("P", "Q", "R"):
            loan(conn, loan_id, "1000", "2024-12-01", TWO)
        place(conn, "P", "A1", "2025-02-15", "1020")
        place(conn, "Q", "A1", "2025-03-01", "510", recalled_on="2025-03-20")
        place(conn, "R", "A1", "2025-01-01", "999", recalled_on="2025-02-28")
        pay(conn, "P", 1, "2025-02-20", "100")  # before the window
        pay(conn, "P", 1, "2025-03-05", "400", "10")  # recovered: 410
        pay(conn, "Q", 1, "2025-03-25", "500", "10")  # after Q's recall: not A1's
        pay(conn, "Q", 1, "2025-03-10", "0", "0.5")  # recovered: 0.50
        act(conn, "P", "2025-03-02T10:00:00", "call", agency="A1")
        act(
            conn,
            "P",
            "2025-03-03T10:00:00",
            "call",
            agency="A1",
            result="ptp",
            ptp_amount="400",
            ptp_on="2025-03-06",
        )  # kept by the 410 on 5 Mar
        act(conn, "P", "2025-03-04T10:00:00", "field_visit", agency="A1")
        act(
            conn,
            "Q",
            "2025-03-21T10:00:00",
            "call",
            agency="A1",
            result="ptp",
            ptp_amount="600",
            ptp_on="2025-03-28",
        )  # broken: only 510 paid
        act(conn, "Q", "2025-03-02T10:00:00", "call", staff="C1")  # a collector's, not the agency's
        act(conn, "P", "2025-04-01T10:00:00", "call", agency="A1")  # after D
        scores = {
            s.agency_id: s
            for s in agency_scores(
                conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
            )
        }
    a1 = scores["A1"]
    assert (a1.cases, a1.placed_amount, a1.recovered) == (2, Decimal("1530.00"), Decimal("410.50"))
    assert a1.recovery_rate == Decimal("410.50") / Decimal("1530.00")
    assert (a1.covered, a1.coverage) == (1, Decimal("0.5"))  # Q's only A1 action came after its recall
    assert a1.field_visit_rate == Decimal("0.5")
    assert (a1.calls, a1.calls_per_case) == (2, Decimal(1))
    assert (a1.promises, a1.promises_kept, a1.ptp_kept_rate) == (2, 1, Decimal("0.5"))
    assert a1.commission == Decimal("41.05")
    a2 = scores["A2"]
    assert (a2.cases, a2.recovery_rate, a2.coverage, a2.ptp_kept_rate) == (0, None, None, None)


def test_agency_actions_count_on_the_first_and_last_day_of_a_placement_whatever_the_hour(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "P", "1000", "2024-12-01", TWO)
        place(conn, "P", "A1", "2025-03-10", "1000", recalled_on="2025-03-20")
        act(conn, "P", "2025-03-09T20:00:00", "call", agency="A1")  # the day before the placement
        act(conn, "P", "2025-03-10T08:00:00", "call", agency="A1")
        act(conn, "P", "2025-03-19T20:59:00", "call", agency="A1")  # the last day: the day before the recall
        act(conn, "P", "2025-03-20T08:00:00", "field_visit", agency="A1")  # the recall day: no longer A1's
        (a1,) = [
            s
            for s in agency_scores(
                conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
            )
            if s.cases
        ]
    assert (a1.cases, a1.covered, a1.calls, a1.field_visited) == (1, 1, 2, 0)


def test_officer_scores_after_cutoff(engine: Engine) -> None:
    """As of 31 Mar 2025. O1: a current loan of 9,800 and one 49 DPD of 200, plus an old loan before the
    cut-off. O2: one loan overridden to substandard."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "9800", "2025-01-01", [("2025-12-01", "9800", "0")])
        loan(conn, "B", "200", "2025-01-10", [("2025-02-10", "200", "0")])
        loan(conn, "OLD", "5000", "2017-06-01", [("2027-06-01", "5000", "0")])
        loan(conn, "C", "1000", "2025-01-01", [("2025-12-01", "1000", "0")], officer="O2", branch="B2")
        override(conn, "C", "2025-03-01", "substandard")
        scores = {
            s.staff_id: s for s in officer_scores(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
        }
        assert set(scores) == {"O1", "O2"}
        o1 = scores["O1"]
        assert (o1.active_loans, o1.balance, o1.overdue_ratio, o1.npl_ratio) == (
            2,
            Decimal("10000.00"),
            Decimal("0.02"),
            Decimal(0),
        )
        assert o1.meets_targets
        assert scores["O2"].npl_ratio == Decimal(1)
        assert not scores["O2"].meets_targets
        # With the cut-off moved back, the 2017 loan counts too.
        early = {
            s.staff_id: s
            for s in officer_scores(
                conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG, cutoff=D("2016-12-31")
            )
        }
        assert early["O1"].balance == Decimal("15000.00")


def test_collector_recoveries_and_handover(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "H", "1000", "2024-01-01", TWO, officer="O3", branch="B2")  # O3 left 30 Jun 2024
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "H", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
        pay(conn, "H", 1, "2025-02-20", "100")  # before the assignment
        pay(conn, "H", 1, "2025-03-03", "200", "10")
        recoveries = collector_recoveries(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-31"), scope=Scope()
        )
        handover = handover_list(conn, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
        before_leaving = handover_list(conn, as_of=D("2024-06-29"), scope=Scope(), config=CONFIG)
    assert recoveries.to_dict("records") == [
        {
            "staff_id": "C1",
            "name": "C1",
            "role": "phone_collector",
            "loans": 1,
            "recovered": Decimal("210.00"),
        }
    ]
    assert handover["loan_id"].tolist() == ["H"]
    assert handover["outstanding_principal"].tolist() == [Decimal("700.00")]
    assert before_leaving.empty


def test_vintage_30_plus_rate(engine: Engine) -> None:
    """January 2025 cohort: 1,000 + 3,000. The 1,000 loan misses its 10 Feb instalment."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "V1", "1000", "2025-01-05", [("2025-02-10", "1000", "0")])
        loan(conn, "V2", "3000", "2025-01-20", [("2025-02-20", "3000", "0")])
        pay(conn, "V2", 1, "2025-02-20", "3000")
        frame = vintage(conn, as_of=D("2025-04-30"), scope=Scope(), config=CONFIG, months=4)
    jan = frame[frame["cohort"] == "2025-01"].set_index("month_on_book")
    assert jan.loc[0, "rate"] == Decimal(0)
    assert jan.loc[1, "rate"] == Decimal(0)  # 18 DPD at 28 Feb
    assert jan.loc[2, "rate"] == Decimal("0.25")  # 49 DPD at 31 Mar: 1,000 / 4,000
    assert jan.loc[3, "balance_30_plus"] == Decimal("1000.00")


def test_loans_placed_with_an_agency_at_a_date(engine: Engine) -> None:
    """P placed 15 Feb and open; Q placed 1 Mar, recalled 20 Mar; R with the other agency."""
    with engine.begin() as conn:
        reference(conn)
        for loan_id in ("P", "Q", "R"):
            loan(conn, loan_id, "1000", "2024-12-01", TWO)
        place(conn, "P", "A1", "2025-02-15", "1020")
        place(conn, "Q", "A1", "2025-03-01", "510", recalled_on="2025-03-20")
        place(conn, "R", "A2", "2025-03-01", "510")
        at = {
            d: loans_at(conn, as_of=D(d), scope=Scope(), config=CONFIG, agency_id="A1")["loan_id"].tolist()
            for d in ("2025-02-14", "2025-03-10", "2025-03-20", "2025-03-31")
        }
    assert at == {"2025-02-14": [], "2025-03-10": ["P", "Q"], "2025-03-20": ["P"], "2025-03-31": ["P"]}
