"""Home: the portfolio's headline figures at the latest date in the data."""

import pandas as pd
import streamlit as st

from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.web import config, default_as_of, engine, money, percent

st.title("Portfolio overview 资产质量概览")
as_of = st.date_input("As of 统计日", value=default_as_of(), key="as_of")

with engine().connect() as conn:
    figures = portfolio(conn, as_of, Scope(), config())

if figures.active_loans == 0:
    st.info(
        f"No active loans on {as_of}: nothing was disbursed by then, or everything is repaid or written off."
    )
    st.stop()

tiles = st.columns(3) + st.columns(3)
tiles[0].metric("Active loans 在贷笔数", f"{figures.active_loans:,}")
tiles[1].metric("Balance 贷款余额", money(figures.balance))
tiles[2].metric(
    "Overdue ratio 逾期率",
    percent(figures.overdue_ratio),
    help="Outstanding principal of loans with DPD > 0 / balance of active loans.",
)
tiles[3].metric(
    "NPL ratio 不良率",
    percent(figures.npl_ratio),
    help="Outstanding principal classed substandard, doubtful or loss / balance.",
)
tiles[4].metric("PAR30", percent(figures.par30), help="Outstanding principal with DPD > 30 / balance.")
tiles[5].metric("PAR90", percent(figures.par90), help="Outstanding principal with DPD > 90 / balance.")

left, right = st.columns(2)
left.subheader("By bucket 逾期阶段")
left.dataframe(
    pd.DataFrame(
        {
            "bucket": list(figures.balance_by_bucket),
            "loans": list(figures.count_by_bucket.values()),
            "balance": [float(v) for v in figures.balance_by_bucket.values()],
        }
    ),
    hide_index=True,
    column_config={"balance": st.column_config.NumberColumn("balance (¥)", format="accounting")},
)
right.subheader("By class 五级分类")
right.dataframe(
    pd.DataFrame(
        {
            "class": list(figures.balance_by_class),
            "loans": list(figures.count_by_class.values()),
            "balance": [float(v) for v in figures.balance_by_class.values()],
        }
    ),
    hide_index=True,
    column_config={"balance": st.column_config.NumberColumn("balance (¥)", format="accounting")},
)
