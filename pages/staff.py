"""Staff KPIs: account officers against their targets, collectors' recoveries, the hand-over list."""

from datetime import date
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.kpi.compliance import compliance
from dashboard.kpi.inspections import first_checks, first_checks_by, sampling, sampling_rate
from dashboard.kpi.periods import add_months, month_end
from dashboard.kpi.staff import (
    InheritedRoll,
    OfficerScore,
    collector_recoveries,
    combined_ratios,
    handover_list,
    inherited_m3_roll,
    inherited_scores,
    officer_scores,
    roll_month,
)
from dashboard.kpi.staff_extra import issue_figures_by_officer, visit_plan_by_officer
from dashboard.kpi.visits import visit_plan, visit_quality
from dashboard.ui.allocation import handover_panel
from dashboard.ui.assessment import assessment_section
from dashboard.ui.data import config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import compliance_table, definition, month_picker, ratio_tile, table
from dashboard.work.access import can

RATES = ("overdue_ratio", "npl_ratio", "first_check_on_time", "sampling_rate", "visit_completion")
RATES += ("feedback_on_time", "resolution_rate")

f = current()
cfg = config()
st.title(t("staff.title"))
year, month = month_picker(t("staff.month"), f.as_of, "staff_month")
start, end = date(year, month, 1), month_end(year, month)
last = min(end, f.as_of)
quarter = (month - 1) // 3 + 1
st.caption(
    t(
        "staff.period",
        month=f"{year}-{month:02d}",
        quarter=f"{year}Q{quarter}",
        cutoff=cfg.staff_cutoff,
        as_of=last,
    )
)
py, pm = add_months(year, month, -1)
previous_date = month_end(py, pm)
py_q, pq = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
# Independent queries, run side by side; the calls below are then handed their results. The compliance
# figures, a query per day of the month, go first: they take longest.
prefetch(
    partial(compliance, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="collector"),
    partial(officer_scores, as_of=last, scope=f.scope, config=cfg),
    partial(officer_scores, as_of=previous_date, scope=f.scope, config=cfg),
    partial(first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(
        first_checks, start=date(py, pm, 1), end=month_end(py, pm), as_of=f.as_of, scope=f.scope, config=cfg
    ),
    partial(visit_plan, year=year, quarter=quarter, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(visit_plan, year=py_q, quarter=pq, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(sampling, year=year, month=month, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(sampling, year=py, month=pm, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(first_checks_by, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="officer_id"),
    partial(visit_plan_by_officer, year=year, quarter=quarter, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(issue_figures_by_officer, start=start, end=end, as_of=f.as_of, scope=f.scope),
    partial(collector_recoveries, start=start, end=end, as_of=f.as_of, scope=f.scope),
    partial(handover_list, as_of=f.as_of, scope=f.scope, config=cfg),
)
scores = query(officer_scores, as_of=last, scope=f.scope, config=cfg)
if not scores:
    st.info(t("staff.empty", cutoff=cfg.staff_cutoff, as_of=last))
    st.stop()
previous = query(officer_scores, as_of=previous_date, scope=f.scope, config=cfg)


(overdue_now, npl_now), (overdue_before, npl_before) = combined_ratios(scores), combined_ratios(previous)
checks = query(first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg)
checks_before = query(
    first_checks, start=date(py, pm, 1), end=month_end(py, pm), as_of=f.as_of, scope=f.scope, config=cfg
)
plan = query(visit_plan, year=year, quarter=quarter, as_of=f.as_of, scope=f.scope, config=cfg)
plan_before = query(visit_plan, year=py_q, quarter=pq, as_of=f.as_of, scope=f.scope, config=cfg)
samples = query(sampling, year=year, month=month, as_of=f.as_of, scope=f.scope, config=cfg)
samples_before = query(sampling, year=py, month=pm, as_of=f.as_of, scope=f.scope, config=cfg)


tiles = st.columns(3) + st.columns(3)
with tiles[0]:
    st.metric(t("staff.met_count"), f"{sum(s.meets_targets for s in scores)} / {len(scores)}", border=True)
with tiles[1]:
    ratio_tile(
        "term.staff_overdue_ratio", overdue_now, overdue_before, previous_date, target=cfg.officer_overdue_max
    )
with tiles[2]:
    ratio_tile("term.staff_npl_ratio", npl_now, npl_before, previous_date, target=cfg.officer_npl_max)
with tiles[3]:
    ratio_tile(
        "term.staff_first_check_on_time",
        checks.on_time_rate,
        checks_before.on_time_rate,
        previous_date,
        target=cfg.first_check_target,
        lower_is_better=False,
    )
with tiles[4]:
    ratio_tile(
        "term.staff_visit_completion",
        plan.completion,
        plan_before.completion,
        min(month_end(py_q, 3 * pq), f.as_of),
        lower_is_better=False,
    )
with tiles[5]:
    ratio_tile(
        "term.staff_sampling_rate",
        sampling_rate(samples),
        sampling_rate(samples_before),
        previous_date,
        lower_is_better=False,
    )
definition(*(f"def.staff_{key}" for key in (*RATES, "recovered")))

officers = pd.DataFrame(
    {
        "officer_id": [s.staff_id for s in scores],
        "name": [s.name for s in scores],
        "active_loans": [s.active_loans for s in scores],
        "balance": [s.balance for s in scores],
        "overdue_ratio": [s.overdue_ratio for s in scores],
        "npl_ratio": [s.npl_ratio for s in scores],
        "meets": [s.meets_targets for s in scores],
    }
)
extra = [
    query(first_checks_by, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="officer_id")[
        ["officer_id", "on_time_rate"]
    ].rename(columns={"on_time_rate": "first_check_on_time"}),
    samples[["officer_id", "rate"]].rename(columns={"rate": "sampling_rate"}),
    query(visit_plan_by_officer, year=year, quarter=quarter, as_of=f.as_of, scope=f.scope, config=cfg)[
        ["officer_id", "completion"]
    ].rename(columns={"completion": "visit_completion"}),
    query(issue_figures_by_officer, start=start, end=end, as_of=f.as_of, scope=f.scope)[
        ["officer_id", "feedback_on_time_rate", "resolution_rate"]
    ].rename(columns={"feedback_on_time_rate": "feedback_on_time"}),
]
for frame in extra:
    officers = officers.merge(frame, on="officer_id", how="left")
# Ranking: inside the targets first, then the lower overdue and NPL ratios.
officers = officers.sort_values(
    ["meets", "overdue_ratio", "npl_ratio", "officer_id"],
    ascending=[False, True, True, True],
    na_position="last",
).reset_index(drop=True)
officers.insert(0, "rank", range(1, len(officers) + 1))
officers["open"] = urls("loans", "officer", officers["officer_id"])
officers = officers.astype({key: object for key in RATES}).where(officers.notna(), None)

st.subheader(t("staff.officers"))
# Overdue and NPL ratios are judged against 3% / 1%: a 0–100% bar would hide them, so they stay numbers.
progress = {
    key: st.column_config.ProgressColumn(t(f"term.staff_{key}"), format="percent", min_value=0, max_value=1)
    for key in RATES[2:]
} | {key: st.column_config.NumberColumn(t(f"term.staff_{key}"), format="percent") for key in RATES[:2]}
table(
    officers,
    "officer_scores",
    column_config={
        "rank": t("staff.rank"),
        "officer_id": t("staff.officer"),
        "name": t("staff.name"),
        "active_loans": t("term.active_loans"),
        "balance": st.column_config.NumberColumn(t("term.balance"), format="accounting"),
        "meets": st.column_config.CheckboxColumn(t("staff.meets")),
        "open": st.column_config.LinkColumn(t("common.open_loans"), display_text="→"),
    }
    | progress,
)

st.subheader(t("staff.chart"))
chart_data = officers.dropna(subset=["overdue_ratio"]).assign(
    overdue_ratio=lambda d: d["overdue_ratio"].astype(float)
)[["officer_id", "name", "overdue_ratio"]]
bars = (
    alt.Chart(chart_data)
    .mark_bar()
    .encode(
        x=alt.X("officer_id:N", sort="y", title=t("staff.officer")),
        y=alt.Y("overdue_ratio:Q", title=t("term.staff_overdue_ratio"), axis=alt.Axis(format="%")),
        color=alt.condition(
            alt.datum.overdue_ratio <= float(cfg.officer_overdue_max),
            alt.value("#2e7d32"),
            alt.value("#c62828"),
        ),
        tooltip=[
            alt.Tooltip("officer_id:N", title=t("staff.officer")),
            alt.Tooltip("name:N", title=t("staff.name")),
            alt.Tooltip("overdue_ratio:Q", title=t("term.staff_overdue_ratio"), format=".2%"),
        ],
    )
)
target = (
    alt.Chart(pd.DataFrame({"target": [float(cfg.officer_overdue_max)]}))
    .mark_rule(strokeDash=[4, 4])
    .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title=t("term.target"), format=".2%")])
)
st.altair_chart(bars + target, width="stretch")

st.subheader(t("staff.collectors"))
collectors = query(collector_recoveries, start=start, end=end, as_of=f.as_of, scope=f.scope).sort_values(
    ["recovered", "staff_id"], ascending=[False, True]
)
collectors["role"] = [t(f"staff.role.{r}") for r in collectors["role"]]
collectors.insert(0, "rank", range(1, len(collectors) + 1))
table(
    collectors,
    "collector_recoveries",
    column_config={
        "rank": t("staff.rank"),
        "staff_id": t("staff.officer"),
        "name": t("staff.name"),
        "role": t("staff.role"),
        "loans": t("staff.loans"),
        "recovered": st.column_config.NumberColumn(t("term.staff_recovered"), format="accounting"),
    },
)

compliance_table(
    query(compliance, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by="collector"),
    "collector_compliance",
    cfg,
)


def _score_frame(scores_: list[OfficerScore]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "officer_id": [s.staff_id for s in scores_],
            "name": [s.name for s in scores_],
            "active_loans": [s.active_loans for s in scores_],
            "balance": [s.balance for s in scores_],
            "overdue_ratio": [s.overdue_ratio for s in scores_],
            "npl_ratio": [s.npl_ratio for s in scores_],
            "meets": [s.meets_targets for s in scores_],
        }
    )


SCORED_COLUMNS = {
    "officer_id": t("staff.officer"),
    "name": t("staff.name"),
    "active_loans": t("term.active_loans"),
    "balance": st.column_config.NumberColumn(t("term.balance"), format="accounting"),
    "meets": st.column_config.CheckboxColumn(t("staff.meets")),
} | {k: st.column_config.NumberColumn(t(f"term.staff_{k}"), format="percent") for k in RATES[:2]}


def _scored(scores_: list[OfficerScore], key: str) -> None:
    frame = _score_frame(scores_)
    table(
        frame.astype({"overdue_ratio": object, "npl_ratio": object}).where(frame.notna(), None),
        key,
        column_config=SCORED_COLUMNS,
    )


def _inherited(scores_: list[OfficerScore], rolls: list[InheritedRoll], month: str) -> None:
    """The successors' overdue and NPL checks with, beside them, the phone collectors' M3 roll check (empty
    for the other posts, which rule W 四(1) does not judge on it)."""
    roll_frame = pd.DataFrame(
        {
            "officer_id": [r.staff_id for r in rolls],
            "roll_name": [r.name for r in rolls],
            "m3_base": [r.base_balance for r in rolls],
            "m3_roll_rate": [r.roll_rate for r in rolls],
            "m3_within": [r.within_limit for r in rolls],
        }
    )
    frame = _score_frame(scores_).merge(roll_frame, on="officer_id", how="outer").sort_values("officer_id")
    frame["name"] = frame["name"].fillna(frame.pop("roll_name"))
    # A phone collector with no inherited loan left at the as-of date has a roll row only: a count, not 1.0.
    frame["active_loans"] = frame["active_loans"].astype("Int64")
    frame = frame.astype(object).where(frame.notna(), None)
    table(
        frame,
        "inherited_scores",
        column_config=SCORED_COLUMNS
        | {
            "m3_base": st.column_config.NumberColumn(t("staff.m3_base", month=month), format="accounting"),
            "m3_roll_rate": st.column_config.NumberColumn(t("term.staff_m3_roll_rate"), format="percent"),
            "m3_within": st.column_config.CheckboxColumn(t("staff.m3_within")),
        },
    )


inherited = query(inherited_scores, as_of=last, scope=f.scope, config=cfg)
rolls = query(inherited_m3_roll, as_of=last, scope=f.scope, config=cfg)
if inherited or rolls:
    roll_year, roll_mon = roll_month(last)
    st.subheader(t("staff.inherited_title"))
    st.caption(
        t(
            "staff.inherited_help",
            overdue=f"{cfg.officer_overdue_max:.0%}",
            npl=f"{cfg.officer_npl_max:.0%}",
            roll=f"{cfg.successor_m3_roll_max:.0%}",
            month=f"{roll_year}-{roll_mon:02d}",
        )
    )
    _inherited(inherited, rolls, f"{roll_year}-{roll_mon:02d}")
    definition("def.staff_m3_roll_rate")
departed = query(officer_scores, as_of=last, scope=f.scope, config=cfg, departed=True)
if departed:
    st.subheader(t("staff.departed_title"))
    _scored(departed, "departed_scores")
assessment_section(f.as_of, f.scope, cfg, "staff")

# Revisit quality (seed 004 七(二)): record accuracy and satisfaction by branch and visitor.
st.subheader(t("staff.visit_quality"))
quality = query(visit_quality, start=start, end=end, as_of=f.as_of, scope=f.scope)
table(
    quality,
    "visit_quality",
    column_config={
        name: st.column_config.Column(t(f"staff.vq.{name}"))
        for name in quality.columns
        if name not in ("accuracy", "satisfaction")
    }
    | {
        "accuracy": st.column_config.NumberColumn(t("staff.vq.accuracy"), format="percent"),
        "satisfaction": st.column_config.NumberColumn(t("staff.vq.satisfaction"), format="%.2f"),
    },
)

st.subheader(t("staff.handover"))
handover = query(handover_list, as_of=f.as_of, scope=f.scope, config=cfg)
handover["open"] = urls("loan", "loan_id", handover["loan_id"])
table(
    handover,
    "handover_list",
    column_config={
        "loan_id": t("term.loan_id"),
        "officer_id": t("staff.officer"),
        "officer_name": t("staff.name"),
        "left_on": st.column_config.DateColumn(t("staff.left_on")),
        "branch_id": t("filter.branch"),
        "outstanding_principal": st.column_config.NumberColumn(
            t("term.outstanding_principal"), format="accounting"
        ),
        "dpd": t("term.dpd"),
        "open": st.column_config.LinkColumn(t("staff.open"), display_text="→"),
    },
)

actor = current_actor()
if actor is not None and can(actor, "handover"):
    with st.expander(t("handover.title"), expanded=True):
        handover_panel(actor, f.as_of, f.scope, cfg)
