"""Portfolio quality page: the engine's figures, a filter, both languages, drill-down, empty states."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.roll import roll_rates
from dashboard.kpi.scope import Scope
from dashboard.kpi.trends import cure_trend, portfolio_trend
from dashboard.ui.widgets import money, percent
from tests.kpi.book import D
from tests.web.conftest import PAGES, app

AS_OF = D("2025-03-20")


def _page(**query: str) -> AppTest:
    return app(**query).switch_page(str(PAGES / "portfolio.py")).run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table with this column."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _check_tiles_and_trend(at: AppTest, app_db: Engine) -> None:
    with app_db.connect() as conn:
        now = portfolio(conn, as_of=AS_OF, scope=Scope(), config=Config())
        trend = portfolio_trend(conn, as_of=AS_OF, scope=Scope(), config=Config())
        cures = cure_trend(conn, as_of=AS_OF, scope=Scope(), config=Config())
    shown = _metrics(at)
    assert shown["Balance"] == money(now.balance) == "¥9,000.00"
    assert shown["NPL ratio"] == percent(now.npl_ratio) == "55.56%"
    assert shown["Cure rate"] == percent(cures.iloc[-1]["m1_cure_rate"]) == "0.00%"
    rows = _table(at, "month_end")
    assert rows["balance"].tolist() == [float(p.balance) for p in trend]
    assert rows["balance"].iloc[-1] == 10000.0  # 2025-02-28: A 2,000 + B 3,000 + C 5,000
    assert rows["overdue_ratio"].iloc[-1] == float(trend[-1].overdue_ratio) == 0.8


def _check_roll_rates_of_the_default_month(at: AppTest, app_db: Engine) -> None:
    assert at.selectbox(key="portfolio_roll_month").value == (2025, 2)
    with app_db.connect() as conn:
        expected = roll_rates(conn, year=2025, month=2, scope=Scope(), config=Config())
    rolls = _table(at, "roll_rate")
    assert rolls["base_loans"].tolist() == [row.base_count for row in expected.values()] == [2, 1, 0, 0, 0]
    assert rolls["roll_rate"].iloc[0] == float(expected["M0"].roll_rate) == 0.5
    assert rolls["open"].iloc[1] == "loans?lang=en&as_of=2025-01-31&bucket=M1"


def _check_breakdowns_link_to_the_loans(at: AppTest) -> None:
    branches, products, channels = (f.value for f in at.dataframe if "id" in f.value.columns)
    assert branches["id"].tolist() == ["B2", "B11"]  # largest balance first
    assert branches["overdue_ratio"].tolist() == [1.0, 0.75]
    assert branches["open"].tolist() == [
        "loans?lang=en&as_of=2025-03-20&branch=B2",
        "loans?lang=en&as_of=2025-03-20&branch=B11",
    ]
    assert products["open"].tolist() == ["loans?lang=en&as_of=2025-03-20&product=P1"]
    assert channels["name"].tolist() == ["网点"]
    downloads = [b.proto.label for b in at.get("download_button")]
    assert (
        downloads.count("Download CSV") == downloads.count("Download Excel") == len(at.dataframe) == 11
    )  # 7, and the class migration: two matrices, the movers, the branches


def _chart_data(at: AppTest) -> list[list[pd.DataFrame]]:
    return [
        [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
        for chart in at.get("vega_lite_chart")
    ]


def _check_charts_carry_the_targets(at: AppTest) -> None:
    charts = _chart_data(at)
    assert len(charts) == 9
    ratio_lines, ratio_targets = charts[2]
    assert ratio_lines[ratio_lines["measure"] == "NPL ratio"]["value"].iloc[-1] == 0.0
    assert ratio_targets["label"].tolist() == ["Target: Overdue ratio ≤ 3.00%", "Target: NPL ratio ≤ 1.00%"]
    assert ratio_targets["value"].tolist() == [0.03, 0.01]
    cure_lines, cure_targets = charts[4]
    assert cure_lines["value"].tolist() == [0.0]  # M1 cure rate of 2025-02: C rolled from M1 to M2
    assert cure_targets["value"].tolist() == [0.92, 0.05]
    (matrix,) = charts[3]
    m0 = matrix[matrix["from"] == "M0"].set_index("to")["share"]
    assert (m0["M0"], m0["M1"]) == (0.5, 0.5)


def test_both_languages_render(app_db: Engine) -> None:
    chinese, english = _page(), _page(lang="en")
    assert not chinese.exception and not english.exception
    assert chinese.title[0].value == "资产质量"
    assert english.title[0].value == "Portfolio quality"
    assert "回收率" in _metrics(chinese)
    assert chinese.header[0].value == "各月末贷款余额"


def test_empty_states_say_why(app_db: Engine) -> None:
    nothing = _page(lang="en", as_of="2024-01-01")
    assert not nothing.exception
    assert "No active loans on 2024-01-01" in nothing.info[0].value
    at = _page(lang="en")
    at.selectbox(key="portfolio_roll_month").set_value((2024, 4)).run()
    assert not at.exception
    assert any("no base for roll rates in 2024-04" in info.value for info in at.info)


def test_the_page_shows_the_engines_figures(app_db: Engine) -> None:
    """One render, checked section by section (each render costs seconds)."""
    at = _page(lang="en")
    assert not at.exception
    _check_tiles_and_trend(at, app_db)
    _check_roll_rates_of_the_default_month(at, app_db)
    _check_charts_carry_the_targets(at)
    _check_breakdowns_link_to_the_loans(at)
    # The definitions are one click away.
    assert at.expander[0].label == "How this is computed"
    assert any("flow into collection" in m.value for m in at.expander[0].markdown)


def test_branch_filter_changes_the_figures(app_db: Engine) -> None:
    at = _page(lang="en")
    at.selectbox(key="branch").set_value("B2").run()
    assert not at.exception
    assert _metrics(at)["Balance"] == "¥5,000.00"
    branches = _table(at, "id")
    assert branches["id"].tolist() == ["B2"]
    assert branches["balance"].tolist() == [5000.0]
    assert _table(at, "month_end")["balance"].iloc[-1] == 5000.0


def test_the_balance_change_names_the_month_end_and_is_neither_good_nor_bad(app_db: Engine) -> None:
    at = _page(lang="en", as_of=AS_OF.isoformat())
    with app_db.connect() as conn:
        now = portfolio(conn, as_of=AS_OF, scope=Scope(), config=Config())
        before = portfolio(conn, as_of=D("2025-02-28"), scope=Scope(), config=Config())
    balance = next(m for m in at.metric if m.label == "Balance")
    assert balance.proto.delta == f"{now.balance - before.balance:+,.2f} vs 2025-02-28"
    assert Metric.MetricColor.Name(balance.proto.color) == "GRAY"
