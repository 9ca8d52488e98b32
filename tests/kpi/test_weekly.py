"""Weekly review figures, by hand: the week Monday 10 to Sunday 16 March 2025 against Sunday 9 March."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pandas.testing import assert_frame_equal
from sqlalchemy import Connection, Engine

from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import has_current_snapshot
from dashboard.kpi.weekly import (
    open_serious_issues,
    week_bounds,
    week_changes,
    week_counts,
    weekly_review,
)
from tests.kpi.book import D, issue, loan, override, pay, reference

CONFIG = Config()
BEFORE, AFTER = D("2025-03-09"), D("2025-03-16")


def build_week(conn: Connection) -> None:
    """E enters M1; K (M2) and R (M1, then repaid) cure; N turns substandard; W is written off (no
    cure); A stays current. B11/O1: E, R, W, A. B2/O2: K, N."""
    reference(conn)
    loan(
        conn,
        "E",
        "3000",
        "2025-01-05",
        [("2025-02-05", "1000", "0"), ("2025-03-12", "1000", "0"), ("2025-04-12", "1000", "0")],
    )
    pay(conn, "E", 1, "2025-02-05", "1000")
    loan(
        conn,
        "K",
        "2000",
        "2025-01-01",
        [("2025-02-01", "1000", "0"), ("2025-04-01", "1000", "0")],
        branch="B2",
        officer="O2",
    )
    pay(conn, "K", 1, "2025-03-11", "1000")
    loan(conn, "R", "500", "2025-01-01", [("2025-03-01", "500", "0")])
    pay(conn, "R", 1, "2025-03-14", "500")
    loan(conn, "N", "1000", "2024-10-01", [("2024-12-12", "1000", "0")], branch="B2", officer="O2")
    loan(conn, "W", "800", "2025-01-01", [("2025-02-01", "800", "0")], written_off_on="2025-03-12")
    loan(conn, "A", "1000", "2025-01-01", [("2025-12-01", "1000", "0")])
    issue(conn, "E", "important", "2025-03-01")  # open
    issue(conn, "E", "major", "2025-03-05", reported_on="2025-03-05", resolved_on="2025-03-10")  # resolved
    issue(conn, "K", "general", "2025-03-01")  # not serious
    issue(conn, "K", "major", "2025-03-17")  # after the Sunday
    issue(conn, "N", "important", "2025-03-02", resolved_on="2025-03-20")  # resolved after the Sunday


def test_week_bounds() -> None:
    assert week_bounds(D("2025-03-10"), D("2025-03-31")) == (BEFORE, AFTER)
    assert week_bounds(D("2025-03-10"), D("2025-03-12")) == (BEFORE, D("2025-03-12"))


def test_entered_m1_cures_and_new_npls(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        changes = week_changes(conn, before=BEFORE, after=AFTER, scope=Scope(), config=CONFIG)
    assert changes.entered_m1.to_dict("records") == [
        {
            "loan_id": "E",
            "branch_id": "B11",
            "officer_id": "O1",
            "dpd": 4,
            "outstanding_principal": Decimal("2000.00"),
            "overdue_amount": Decimal("1000.00"),
        }
    ]
    cures = changes.cures
    assert cures["loan_id"].tolist() == ["K", "R"]  # W was written off: not a cure
    assert cures["bucket_before"].tolist() == ["M2", "M1"]
    assert cures["dpd_before"].tolist() == [36, 8]
    assert cures["op_before"].tolist() == [Decimal("2000.00"), Decimal("500.00")]
    assert cures["repaid"].tolist() == [False, True]
    npl = changes.new_npls
    assert npl["loan_id"].tolist() == ["N"]
    assert (npl.loc[0, "class_before"], npl.loc[0, "class_now"], npl.loc[0, "dpd"]) == (
        "special_mention",
        "substandard",
        94,
    )


def test_movers_by_branch_and_officer(engine: Engine) -> None:
    """Overdue balance at 9 Mar: B11 = R 500 + W 800; B2 = K 2,000 + N 1,000. At 16 Mar: B11 = E 2,000;
    B2 = N 1,000."""
    with engine.begin() as conn:
        build_week(conn)
        changes = week_changes(conn, before=BEFORE, after=AFTER, scope=Scope(), config=CONFIG)
    assert changes.movers_by_branch.values.tolist() == [
        ["B2", Decimal("3000.00"), Decimal("1000.00"), Decimal("-2000.00")],
        ["B11", Decimal("1300.00"), Decimal("2000.00"), Decimal("700.00")],
    ]
    assert changes.movers_by_officer["officer_id"].tolist() == ["O2", "O1"]
    assert changes.movers_by_officer["change"].tolist() == [Decimal("-2000.00"), Decimal("700.00")]


def test_scope_limits_the_changes(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        changes = week_changes(conn, before=BEFORE, after=AFTER, scope=Scope(branch_id="B2"), config=CONFIG)
    assert changes.entered_m1.empty
    assert changes.cures["loan_id"].tolist() == ["K"]
    assert changes.movers_by_branch["branch_id"].tolist() == ["B2"]


def test_open_serious_issues(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        issues = open_serious_issues(conn, as_of=AFTER, scope=Scope())
        in_b2 = open_serious_issues(conn, as_of=AFTER, scope=Scope(branch_id="B2"))
    assert issues["loan_id"].tolist() == ["E", "N"]
    assert issues["severity"].tolist() == ["important", "important"]
    assert issues["days_open"].tolist() == [15, 14]
    assert in_b2["loan_id"].tolist() == ["N"]


def test_weekly_review_puts_it_together(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        review = weekly_review(
            conn, monday=D("2025-03-10"), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
        expected_now = portfolio(conn, as_of=AFTER, scope=Scope(), config=CONFIG)
        expected_before = portfolio(conn, as_of=BEFORE, scope=Scope(), config=CONFIG)
    assert (review.before, review.end) == (BEFORE, AFTER)
    assert review.now == expected_now
    assert review.previous == expected_before
    assert review.now.balance == Decimal("5000.00")  # E 2,000 + K 1,000 + N 1,000 + A 1,000
    assert review.changes.entered_m1["loan_id"].tolist() == ["E"]
    assert review.open_issues["loan_id"].tolist() == ["E", "N"]


def test_the_week_before_comes_from_the_same_fold(engine: Engine) -> None:
    """weekly_review folds three Sundays at once; the week before's tiles and this week's lists must equal
    what the two-date definitions give for each week on its own."""
    with engine.begin() as conn:
        build_week(conn)
        for monday in (D("2025-03-10"), D("2025-03-17")):
            review = weekly_review(conn, monday=monday, as_of=D("2025-03-31"), scope=Scope(), config=CONFIG)
            assert review.counts_before == week_counts(
                conn, monday=monday - timedelta(weeks=1), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
            )
            alone = week_changes(conn, before=review.before, after=review.end, scope=Scope(), config=CONFIG)
            for name in ("entered_m1", "cures", "new_npls", "movers_by_branch", "movers_by_officer"):
                assert_frame_equal(getattr(review.changes, name), getattr(alone, name), check_dtype=False)
        this_week = weekly_review(
            conn, monday=D("2025-03-10"), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        ).counts
        next_week = weekly_review(
            conn, monday=D("2025-03-17"), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
    # E entered M1, K and R cured and N turned NPL in the week of 10 March: the next week compares with that.
    assert next_week.counts_before == this_week
    assert (this_week.entered_m1, this_week.cures, this_week.new_npls) == (1, 2, 1)


def test_from_snapshots_the_fold_takes_only_loans_that_can_change_and_finds_the_same(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        live = weekly_review(
            conn, monday=D("2025-03-17"), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
        refresh(conn, dates=[D("2025-03-02"), BEFORE, AFTER, D("2025-03-23")])
        assert all(has_current_snapshot(conn, as_of=d) for d in (D("2025-03-02"), BEFORE, AFTER))
        stored = weekly_review(
            conn, monday=D("2025-03-17"), as_of=D("2025-03-31"), scope=Scope(), config=CONFIG
        )
    assert stored.counts_before == live.counts_before
    assert stored.counts == live.counts
    for name in ("entered_m1", "cures", "new_npls", "movers_by_branch", "movers_by_officer"):
        assert_frame_equal(getattr(stored.changes, name), getattr(live.changes, name), check_dtype=False)
    # A (current all along) is no candidate; the week before still finds E, K, R and N.
    assert (live.counts_before.entered_m1, live.counts_before.cures, live.counts_before.new_npls) == (1, 2, 1)


def test_from_snapshots_a_current_loan_overridden_to_npl_is_a_new_npl(engine: Engine) -> None:
    with engine.begin() as conn:
        build_week(conn)
        override(conn, "A", "2025-03-13", "doubtful")  # A is never past due: a candidate by its override
        live = week_changes(conn, before=BEFORE, after=AFTER, scope=Scope(), config=CONFIG)
        refresh(conn, dates=[BEFORE, AFTER])
        stored = week_changes(conn, before=BEFORE, after=AFTER, scope=Scope(), config=CONFIG)
    assert sorted(live.new_npls["loan_id"]) == ["A", "N"]
    for name in ("entered_m1", "cures", "new_npls", "movers_by_branch", "movers_by_officer"):
        assert_frame_equal(getattr(stored, name), getattr(live, name), check_dtype=False)
