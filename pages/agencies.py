"""Agencies: the month's scorecard and ranking, recall flags, the 6-month trend and the fee settlement."""

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.auth.text import plain
from dashboard.kpi.agencies import AgencyScore, agency_scores
from dashboard.kpi.compliance import compliance
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import add_months, month_end
from dashboard.ui.data import config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.widgets import (
    compliance_table,
    definition,
    money,
    month_picker,
    percent,
    ratio_tile,
    table,
)

TREND_MONTHS = 6

f = current()
cfg = config()
st.title(t("agencies.title"))
year, month = month_picker(t("agencies.month"), f.as_of, "agencies_month")
start, end = date(year, month, 1), month_end(year, month)
st.caption(t("agencies.period", start=start, end=min(end, f.as_of)))
trend_months = [add_months(year, month, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
# The month, the month before and the trend's months are independent queries: run them side by side.
prefetch(
    partial(compliance, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="agency"),
    *(
        partial(agency_scores, start=date(ty, tm, 1), end=month_end(ty, tm), as_of=f.as_of, scope=f.scope)
        for ty, tm in trend_months
    ),
)
scores = [s for s in query(agency_scores, start=start, end=end, as_of=f.as_of, scope=f.scope) if s.cases]
if not scores:
    st.info(t("agencies.empty", month=f"{year}-{month:02d}"))
    st.stop()
py, pm = add_months(year, month, -1)
previous_end = month_end(py, pm)
previous = query(agency_scores, start=date(py, pm, 1), end=previous_end, as_of=f.as_of, scope=f.scope)


def totals(rows: list[AgencyScore]) -> dict[str, Any]:
    cases = sum(s.cases for s in rows)
    placed = sum((s.placed_amount for s in rows), start=Decimal(0))
    recovered = sum((s.recovered for s in rows), start=Decimal(0))
    return {
        "cases": cases,
        "placed": placed,
        "recovered": recovered,
        "recovery_rate": ratio(recovered, placed),
        "coverage": ratio(sum(s.covered for s in rows), cases),
        "field_visit_rate": ratio(sum(s.field_visited for s in rows), cases),
    }


now, before = totals(scores), totals(previous)
tiles = st.columns(3) + st.columns(3)
tiles[0].metric(
    t("term.agencies_cases"), f"{now['cases']:,}", delta=f"{now['cases'] - before['cases']:+,}", border=True
)
tiles[1].metric(t("term.agencies_placed"), money(now["placed"]), help=t("def.agencies_placed"), border=True)
tiles[2].metric(
    t("term.agencies_recovered"),
    money(now["recovered"]),
    delta=f"{now['recovered'] - before['recovered']:+,.2f}",
    help=t("def.agencies_recovered"),
    border=True,
)
for tile, key, target in (
    (tiles[3], "recovery_rate", cfg.agency_min_recovery_rate),
    (tiles[4], "coverage", cfg.agency_min_coverage),
    (tiles[5], "field_visit_rate", cfg.agency_field_visit_target),
):
    with tile:
        ratio_tile(
            f"term.agencies_{key}", now[key], before[key], previous_end, target=target, lower_is_better=False
        )
definition(
    *(
        f"def.agencies_{k}"
        for k in (
            "cases",
            "placed",
            "recovered",
            "recovery_rate",
            "coverage",
            "field_visit_rate",
            "calls_per_case",
            "ptp_kept_rate",
            "commission",
        )
    )
)


def flagged(score: AgencyScore) -> bool:
    low_recovery = score.recovery_rate is not None and score.recovery_rate < cfg.agency_min_recovery_rate
    low_coverage = score.coverage is not None and score.coverage < cfg.agency_min_coverage
    return low_recovery or low_coverage


ranked = sorted(scores, key=lambda s: (s.recovery_rate is None, -(s.recovery_rate or 0), s.agency_id))
st.subheader(t("agencies.scorecard"))
RATES = ("recovery_rate", "coverage", "field_visit_rate", "ptp_kept_rate")
scorecard = pd.DataFrame(
    {
        "rank": range(1, len(ranked) + 1),
        "agency": [s.name for s in ranked],
        "cases": [s.cases for s in ranked],
        "placed": [s.placed_amount for s in ranked],
        "recovered": [s.recovered for s in ranked],
        **{key: [getattr(s, key) for s in ranked] for key in RATES},
        "calls_per_case": [s.calls_per_case for s in ranked],
        "commission": [s.commission for s in ranked],
        "flag": [flagged(s) for s in ranked],
        "open": urls("loans", "agency", [s.agency_id for s in ranked]),
    }
)
progress = {
    key: st.column_config.ProgressColumn(
        t(f"term.agencies_{key}"), format="percent", min_value=0, max_value=1
    )
    for key in RATES
}
amount = {
    key: st.column_config.NumberColumn(t(f"term.agencies_{key}"), format="accounting")
    for key in ("placed", "recovered", "commission")
}
table(
    scorecard,
    "agency_scorecard",
    column_config={
        "rank": t("agencies.rank"),
        "agency": t("agencies.agency"),
        "cases": t("term.agencies_cases"),
        "calls_per_case": st.column_config.NumberColumn(t("term.agencies_calls_per_case"), format="%.2f"),
        "flag": st.column_config.CheckboxColumn(t("agencies.flag")),
        "open": st.column_config.LinkColumn(t("agencies.open_cases"), display_text="→"),
    }
    | progress
    | amount,
)

st.subheader(t("agencies.recall"))
st.caption(
    t(
        "agencies.recall_rule",
        recovery=percent(cfg.agency_min_recovery_rate),
        coverage=percent(cfg.agency_min_coverage),
    )
)
weak = [s for s in ranked if flagged(s)]
if weak:
    for s in weak:
        st.warning(
            f"**{plain(s.name)}** — {t('term.agencies_recovery_rate')} {percent(s.recovery_rate)}, "
            f"{t('term.agencies_coverage')} {percent(s.coverage)}",
            icon=":material/undo:",
        )
else:
    st.success(t("agencies.recall_none"))

st.subheader(t("agencies.trend"))
trend_rows = []
for ty, tm in trend_months:
    for s in query(agency_scores, start=date(ty, tm, 1), end=month_end(ty, tm), as_of=f.as_of, scope=f.scope):
        if s.recovery_rate is not None:
            trend_rows.append({"month": f"{ty}-{tm:02d}", "agency": s.name, "rate": float(s.recovery_rate)})
if trend_rows:
    st.altair_chart(
        alt.Chart(pd.DataFrame(trend_rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=t("agencies.month_col"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", title=t("term.agencies_recovery_rate"), axis=alt.Axis(format="%")),
            color=alt.Color("agency:N", title=t("agencies.agency"), legend=alt.Legend(labelLimit=320)),
            tooltip=[
                alt.Tooltip("month:O", title=t("agencies.month_col")),
                alt.Tooltip("agency:N", title=t("agencies.agency")),
                alt.Tooltip("rate:Q", title=t("term.agencies_recovery_rate"), format=".2%"),
            ],
        ),
        width="stretch",
    )
else:
    st.info(t("agencies.trend_empty"))

st.subheader(t("agencies.fees"))
fees = pd.DataFrame(
    {
        "agency": [s.name for s in ranked] + [t("agencies.total")],
        "recovered": [s.recovered for s in ranked] + [now["recovered"]],
        "commission_rate": [s.commission_rate for s in ranked] + [None],
        "commission": [s.commission for s in ranked] + [sum(s.commission for s in ranked)],
    }
)
table(
    fees,
    "agency_fees",
    column_config={
        "agency": t("agencies.agency"),
        "recovered": st.column_config.NumberColumn(t("term.agencies_recovered"), format="accounting"),
        "commission_rate": st.column_config.NumberColumn(
            t("term.agencies_commission_rate"), format="percent"
        ),
        "commission": st.column_config.NumberColumn(t("term.agencies_commission"), format="accounting"),
    },
)

compliance_table(
    query(compliance, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="agency"),
    "agency_compliance",
    cfg,
)
