"""Overview: the headline KPIs against last month-end, and what needs attention today."""

from datetime import timedelta
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.kpi.collection import overdue_counts
from dashboard.kpi.inspections import pending_first_checks
from dashboard.kpi.periods import previous_month_end
from dashboard.kpi.portfolio import loans_at, portfolio
from dashboard.kpi.weekly import open_serious_issues
from dashboard.ui.data import config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import url
from dashboard.ui.pages import PAGES_DIR
from dashboard.ui.widgets import definition, headline_tiles, table

f = current()
cfg = config()
st.title(t("overview.title"))
previous_date = previous_month_end(f.as_of)
recent = f.as_of - timedelta(days=90)
# Independent queries, run side by side; the calls below are then handed their results.
prefetch(
    partial(portfolio, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(portfolio, as_of=previous_date, scope=f.scope, config=cfg),
    partial(pending_first_checks, start=recent, end=f.as_of, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(loans_at, as_of=f.as_of, scope=f.scope, config=cfg, overdue_only=True, max_dpd=7, limit=500),
    partial(overdue_counts, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(open_serious_issues, as_of=f.as_of, scope=f.scope),
)
now = query(portfolio, as_of=f.as_of, scope=f.scope, config=cfg)
if now.active_loans == 0:
    st.info(t("empty.no_active_loans", as_of=f.as_of))
    st.stop()
before = query(portfolio, as_of=previous_date, scope=f.scope, config=cfg)

tiles = st.columns(3) + st.columns(3)
with tiles[0]:
    st.metric(
        t("term.active_loans"),
        f"{now.active_loans:,}",
        delta=f"{now.active_loans - before.active_loans:+,}",
        border=True,
    )
headline_tiles(tiles[1:], now, before, previous_date, cfg)
definition("def.balance", "def.overdue_ratio", "def.npl_ratio", "def.par30", "def.par90")

link = st.column_config.LinkColumn(t("common.open_loans"), display_text="→")
money_column = st.column_config.NumberColumn(format="accounting")
left, right = st.columns(2)
with left:
    st.subheader(t("overview.by_bucket"))
    table(
        pd.DataFrame(
            {
                t("term.bucket"): list(now.balance_by_bucket),
                t("term.loans"): list(now.count_by_bucket.values()),
                t("term.balance"): list(now.balance_by_bucket.values()),
                "open": [url("loans", bucket=b) for b in now.balance_by_bucket],
            }
        ),
        "balance_by_bucket",
        column_config={"open": link, t("term.balance"): money_column},
    )
with right:
    st.subheader(t("overview.by_class"))
    table(
        pd.DataFrame(
            {
                t("term.class"): [t(f"class.{c}") for c in now.balance_by_class],
                t("term.loans"): list(now.count_by_class.values()),
                t("term.balance"): list(now.balance_by_class.values()),
                "open": [url("loans", classification=c) for c in now.balance_by_class],
            }
        ),
        "balance_by_class",
        column_config={"open": link, t("term.balance"): money_column},
    )

st.header(t("overview.attention"))
pending = query(pending_first_checks, start=recent, end=f.as_of, as_of=f.as_of, scope=f.scope, config=cfg)
fresh = query(loans_at, as_of=f.as_of, scope=f.scope, config=cfg, overdue_only=True, max_dpd=7, limit=500)
breaches = query(overdue_counts, as_of=f.as_of, scope=f.scope, config=cfg)
issues = query(open_serious_issues, as_of=f.as_of, scope=f.scope)
counts = st.columns(4)
for column, label, value, page in (
    (counts[0], "overview.pending_first_checks", len(pending), "inspections.py"),
    (counts[1], "overview.newly_overdue", len(fresh), "overdue.py"),
    (counts[2], "overview.lost_no_visit", breaches.lost_no_visit, "overdue.py"),
    (counts[3], "overview.open_serious_issues", len(issues), "weekly.py"),
):
    with column:
        st.metric(t(label), f"{value:,}", border=True)
        st.page_link(PAGES_DIR / page, label=t("overview.go"), icon=":material/arrow_forward:")
left, right = st.columns(2)
with left:
    st.subheader(t("overview.pending_first_checks"))
    table(
        pending,
        "pending_first_checks",
        column_config={
            "loan_id": t("term.loan_id"),
            "due_on": t("overview.due_on"),
            "days_late": t("overview.days_late"),
        },
    )
with right:
    st.subheader(t("overview.newly_overdue"))
    table(
        fresh,
        "newly_overdue",
        column_config={
            "loan_id": t("term.loan_id"),
            "dpd": t("term.dpd"),
            "overdue_amount": t("term.overdue_amount"),
        },
    )
