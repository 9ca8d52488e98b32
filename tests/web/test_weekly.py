"""Weekly review page: the engine's figures for the picked week, filters, links, the pack button."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.weekly import WeeklyReview, week_counts, weekly_review
from dashboard.ui.widgets import money, percent
from tests.kpi.book import D, loan
from tests.web.conftest import PAGES, app

MONDAY = D("2025-03-17")  # the week of the latest data date, 20 Mar: compared with Sunday 16 Mar


@pytest.fixture
def weekly_db(app_db: Engine) -> Engine:
    """E falls due on 18 Mar and is not paid: it enters M1 this week."""
    with app_db.begin() as conn:
        loan(conn, "E", "2000", "2025-02-01", [("2025-03-18", "1000", "0"), ("2025-04-18", "1000", "0")])
    return app_db


def _page(**query: str):  # type: ignore[no-untyped-def]
    at = app(**query).run()
    return at.switch_page(str(PAGES / "weekly.py")).run()


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def _review(engine: Engine, monday: date = MONDAY, scope: Scope | None = None) -> WeeklyReview:
    with engine.connect() as conn:
        return weekly_review(
            conn, monday=monday, as_of=D("2025-03-20"), scope=scope or Scope(), config=Config()
        )


def test_figures_equal_the_engine(weekly_db: Engine) -> None:
    at = _page(lang="en")
    assert not at.exception
    assert at.selectbox(key="weekly_monday").value == MONDAY
    review = _review(weekly_db)
    shown = _metrics(at)
    assert shown["Balance"] == money(review.now.balance) == "¥11,000.00"
    assert shown["NPL ratio"] == percent(review.now.npl_ratio)
    assert shown["Entered M1"] == "1"
    assert shown["Open important / major issues"] == str(len(review.open_issues)) == "1"
    entered = at.dataframe[0].value
    assert entered["loan_id"].tolist() == ["E"]
    assert entered["open"].tolist() == ["loan?lang=en&as_of=2025-03-20&loan_id=E"]
    # The month's class migration to the week's end: C (46 DPD at 28 Feb) overridden to loss on 1 Mar; E
    # falls 2 days behind.
    assert "Class migration this month, 2025-02-28 to 2025-03-20" in [s.value for s in at.subheader]
    movers = next(d.value for d in at.dataframe if "cause" in d.value.columns)
    assert movers[["loan_id", "to_class", "cause"]].values.tolist() == [
        ["C", "Loss", "Override"],
        ["E", "Special mention", "DPD floor"],
    ]
    assert review.migration.movers["loan_id"].tolist() == ["C", "E"]


def _deltas(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.proto.delta for m in at.metric}


COUNT_TILES = {
    "entered_m1": "Entered M1",
    "cures": "Cures",
    "new_npls": "New NPLs",
    "open_issues": "Open important / major issues",
    "backlog": "First checks overdue",
}


@pytest.mark.parametrize("monday", [MONDAY, D("2025-03-10")])
def test_count_tiles_show_the_change_against_the_week_before(weekly_db: Engine, monday: date) -> None:
    at = _page(lang="en")
    at.selectbox(key="weekly_monday").set_value(monday).run()
    assert not at.exception
    review = _review(weekly_db, monday)
    with weekly_db.connect() as conn:
        week_before = week_counts(
            conn, monday=monday - timedelta(weeks=1), as_of=D("2025-03-20"), scope=Scope(), config=Config()
        )
        assert (
            week_counts(conn, monday=monday, as_of=D("2025-03-20"), scope=Scope(), config=Config())
            == review.counts
        )
    deltas, before = _deltas(at), review.before.isoformat()
    for key, label in COUNT_TILES.items():
        change = getattr(review.counts, key) - getattr(week_before, key)
        assert deltas[label] == f"{change:+,} vs {before}", label
    if monday == MONDAY:
        # E enters M1 this week and nothing did the week before: the delta is +1, not just the count.
        assert (review.counts.entered_m1, week_before.entered_m1) == (1, 0)
        assert deltas["Entered M1"] == "+1 vs 2025-03-16"


def test_week_picker_and_branch_filter_change_the_figures(weekly_db: Engine) -> None:
    at = _page(lang="en")
    at.selectbox(key="weekly_monday").set_value(D("2025-03-10")).run()
    assert not at.exception
    assert _metrics(at)["Entered M1"] == "0"
    assert "Figures at 2025-03-16 against 2025-03-09." in at.caption[0].value
    at.selectbox(key="branch").set_value("B2").run()
    assert not at.exception
    assert _metrics(at)["Balance"] == money(
        _review(weekly_db, D("2025-03-10"), Scope(branch_id="B2")).now.balance
    )
    assert _metrics(at)["Balance"] == "¥5,000.00"


def test_pack_button_downloads_and_chart(weekly_db: Engine) -> None:
    at = _page(lang="en")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the review pack" in labels
    assert "Download CSV" in labels and "Download Excel" in labels
    charts = at.get("vega_lite_chart")
    assert charts and all("tooltip" in c.proto.spec for c in charts)


def test_empty_state_and_chinese(weekly_db: Engine) -> None:
    empty = _page(lang="en", as_of="2024-01-01")
    assert not empty.exception
    assert "No active loans at" in empty.info[0].value
    chinese = _page()
    assert not chinese.exception
    assert chinese.title[0].value == "周例会"
    assert "新入M1" in _metrics(chinese)
    assert any(b.proto.label == "下载周例会材料" for b in chinese.get("download_button"))


def test_ratio_tiles_show_the_change_in_points_without_the_date(weekly_db: Engine) -> None:
    """The ratio tiles are narrow: their change leaves the date to the caption, and a change that rounds
    to nothing reads +0.00, never -0.00."""
    at = _page(lang="en")
    assert not at.exception
    review, deltas = _review(weekly_db), _deltas(at)
    for label, now, before in (
        ("Overdue ratio", review.now.overdue_ratio, review.previous.overdue_ratio),
        ("NPL ratio", review.now.npl_ratio, review.previous.npl_ratio),
        ("PAR30", review.now.par30, review.previous.par30),
    ):
        change = ((now or 0) - (before or 0)) * 100
        expected = f"{change.quantize(Decimal('0.01')) + 0:+.2f} pt"
        assert deltas[label] == expected, label
        assert "-0.00" not in deltas[label]
