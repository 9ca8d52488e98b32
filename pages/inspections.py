"""Inspections: first-check rates against 100% by branch and officer, the pending list, monthly
sampling against the 10% rule, periodic checks, and an officer × month heatmap of on-time rates."""

from datetime import date, timedelta
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.kpi.inspection_lists import exit_checks, first_checks_by_officer_month, periodic_due_list
from dashboard.kpi.inspections import (
    first_checks,
    first_checks_by,
    pending_first_checks,
    periodic_checks,
    sampling,
    sampling_rate,
)
from dashboard.kpi.periods import add_months, month_end
from dashboard.ui.data import choices, config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.widgets import definition, percent, ratio_tile, table, versus

HEATMAP_MONTHS = 6

f = current()
cfg = config()
names = choices()
st.title(t("inspections.title"))

by_month = (
    st.segmented_control(
        t("inspections.period_kind"),
        ["month", "range"],
        format_func=lambda kind: t(f"inspections.by_{kind}"),
        default="month",
        key="inspections_period_kind",
    )
    != "range"
)
if by_month:
    months = [add_months(f.as_of.year, f.as_of.month, -k) for k in range(12)]
    year, month = st.selectbox(
        t("inspections.month"), months, format_func=lambda m: f"{m[0]}-{m[1]:02d}", key="inspections_month"
    )
    start, end = date(year, month, 1), min(month_end(year, month), f.as_of)
    previous_start = date(*add_months(year, month, -1), 1)
    previous_end = start - timedelta(days=1)
else:
    picked = st.date_input(
        t("inspections.range"), (f.as_of.replace(day=1), f.as_of), max_value=f.as_of, key="inspections_range"
    )
    start, end = (picked[0], picked[-1]) if picked else (f.as_of, f.as_of)
    previous_end = start - timedelta(days=1)
    previous_start = previous_end - (end - start)
st.caption(
    t("inspections.period", start=start, end=end, previous_start=previous_start, previous_end=previous_end)
)

sample_year, sample_month = end.year, end.month
previous_year, previous_month = add_months(sample_year, sample_month, -1)
# Independent queries, run side by side; the calls below are then handed their results. The previous
# period as it stood at its own end, so late completions do not flatter it.
prefetch(
    partial(periodic_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(
        periodic_checks, start=previous_start, end=previous_end, as_of=previous_end, scope=f.scope, config=cfg
    ),
    partial(first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(
        first_checks,
        start=previous_start,
        end=previous_end,
        as_of=min(previous_end, f.as_of),
        scope=f.scope,
        config=cfg,
    ),
    partial(sampling, year=sample_year, month=sample_month, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(sampling, year=previous_year, month=previous_month, as_of=f.as_of, scope=f.scope, config=cfg),
    *(
        partial(first_checks_by, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by=by)
        for by in ("branch_id", "officer_id")
    ),
    partial(pending_first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg),
    partial(
        first_checks_by_officer_month,
        year=end.year,
        month=end.month,
        months=HEATMAP_MONTHS,
        as_of=f.as_of,
        scope=f.scope,
        config=cfg,
    ),
)
now = query(first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg)
before = query(
    first_checks,
    start=previous_start,
    end=previous_end,
    as_of=min(previous_end, f.as_of),
    scope=f.scope,
    config=cfg,
)
periodic = query(periodic_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg)
periodic_before = query(
    periodic_checks, start=previous_start, end=previous_end, as_of=previous_end, scope=f.scope, config=cfg
)
samples = query(sampling, year=sample_year, month=sample_month, as_of=f.as_of, scope=f.scope, config=cfg)


samples_before = query(
    sampling, year=previous_year, month=previous_month, as_of=f.as_of, scope=f.scope, config=cfg
)

tiles = st.columns(3) + st.columns(3)
for tile, key, value, previous, target in (
    (tiles[0], "completion_rate", now.completion_rate, before.completion_rate, cfg.first_check_target),
    (tiles[1], "on_time_rate", now.on_time_rate, before.on_time_rate, cfg.first_check_target),
    (tiles[3], "periodic_on_time_rate", periodic.on_time_rate, periodic_before.on_time_rate, None),
    (
        tiles[4],
        "sampling_rate",
        sampling_rate(samples),
        sampling_rate(samples_before),
        cfg.sampling_rate_target,
    ),
):
    with tile:
        ratio_tile(
            f"term.inspections_{key}", value, previous, previous_end, target=target, lower_is_better=False
        )
tiles[2].metric(
    t("term.inspections_pending"),
    f"{now.pending:,}",
    delta=versus(f"{now.pending - before.pending:+,}", previous_end),
    delta_color="inverse" if now.pending != before.pending else "off",
    help=t("def.inspections_pending"),
    border=True,
)
definition(
    *(
        f"def.inspections_{k}"
        for k in ("completion_rate", "on_time_rate", "pending", "periodic_on_time_rate", "sampling_rate")
    )
)

rate_columns = {
    key: st.column_config.ProgressColumn(
        t(f"term.inspections_{key}"), format="percent", min_value=0, max_value=1
    )
    for key in ("completion_rate", "on_time_rate")
}
counts = {key: t(f"inspections.{key}") for key in ("due", "done", "on_time", "missing", "late")}

st.header(t("inspections.first_checks"))
if now.due == 0:
    st.info(t("inspections.empty", start=start, end=end))
else:
    left, right = st.columns(2)
    for column, by, label in ((left, "branch_id", "branch"), (right, "officer_id", "officer")):
        with column:
            st.subheader(t(f"inspections.by_{label}"))
            grouped = query(
                first_checks_by, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg, by=by
            )
            grouped[by] = [names[label].get(x, x).strip() for x in grouped[by]]
            table(
                grouped.sort_values("on_time_rate", na_position="first", key=lambda s: s.astype(float)),
                f"first_checks_by_{label}",
                column_config={by: t(f"inspections.{label}")} | counts | rate_columns,
            )

    st.subheader(t("inspections.pending"))
    pending = query(pending_first_checks, start=start, end=end, as_of=f.as_of, scope=f.scope, config=cfg)
    pending.insert(0, "open", urls("loan", "loan_id", pending["loan_id"]))
    pending["officer_id"] = [names["officer"].get(x, x) for x in pending["officer_id"]]
    pending["branch_id"] = [names["branch"].get(x, x).strip() for x in pending["branch_id"]]
    table(
        pending,
        "pending_first_checks",
        total=now.pending,
        column_config={
            "open": st.column_config.LinkColumn(t("inspections.open"), display_text="→"),
            "loan_id": t("term.loan_id"),
            "officer_id": t("inspections.officer"),
            "branch_id": t("inspections.branch"),
            "due_on": st.column_config.DateColumn(t("inspections.due_on")),
            "days_late": st.column_config.NumberColumn(t("inspections.days_late"), format="%d"),
        },
    )

sample_label = f"{sample_year}-{sample_month:02d}"
st.header(t("inspections.sampling", month=sample_label))
if samples.empty:
    st.info(t("inspections.sampling_empty", month=sample_label))
else:
    samples["officer_id"] = [names["officer"].get(x, x) for x in samples["officer_id"]]
    samples["meets"] = [rate >= cfg.sampling_rate_target for rate in samples["rate"]]
    met = int(samples["meets"].sum())
    st.badge(
        t(
            "inspections.sampling_target",
            target=percent(cfg.sampling_rate_target),
            met=met,
            officers=len(samples),
        ),
        color="green" if met == len(samples) else "red",
        icon=":material/check:" if met == len(samples) else ":material/warning:",
    )
    table(
        samples.sort_values("rate", key=lambda s: s.astype(float)),
        f"sampling_{sample_label}",
        column_config={
            "officer_id": t("inspections.officer"),
            "month": t("inspections.month_col"),
            "disbursed_last_month": t("inspections.disbursed_last_month"),
            "required": t("inspections.required"),
            "done": t("inspections.done"),
            "rate": st.column_config.ProgressColumn(
                t("inspections.sampling_rate"), format="percent", min_value=0, max_value=1
            ),
            "meets": st.column_config.CheckboxColumn(t("inspections.sampling_meets")),
        },
    )

st.header(t("inspections.periodic"))
table(
    pd.DataFrame(
        {
            "due": [periodic.due],
            "on_time": [periodic.on_time],
            "late": [periodic.late],
            "missing": [periodic.missing],
            "on_time_rate": [periodic.on_time_rate],
        }
    ),
    "periodic_checks",
    column_config=counts
    | {
        "on_time_rate": st.column_config.ProgressColumn(
            t("term.inspections_periodic_on_time_rate"), format="percent", min_value=0, max_value=1
        )
    },
)

st.header(t("inspections.heatmap"))
heat = query(
    first_checks_by_officer_month,
    year=end.year,
    month=end.month,
    months=HEATMAP_MONTHS,
    as_of=f.as_of,
    scope=f.scope,
    config=cfg,
)
if heat.empty:
    st.info(t("inspections.heatmap_empty"))
else:
    heat["officer"] = [names["officer"].get(x, x) for x in heat["officer_id"]]
    heat["rate"] = heat["on_time_rate"].astype(float)
    st.altair_chart(
        alt.Chart(heat[["officer", "month", "due", "on_time", "rate"]])
        .mark_rect()
        .encode(
            x=alt.X("month:O", title=t("inspections.month_col")),
            y=alt.Y("officer:N", title=t("inspections.officer")),
            color=alt.Color(
                "rate:Q",
                title=t("term.inspections_on_time_rate"),
                scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("officer:N", title=t("inspections.officer")),
                alt.Tooltip("month:O", title=t("inspections.month_col")),
                alt.Tooltip("due:Q", title=t("inspections.due")),
                alt.Tooltip("on_time:Q", title=t("inspections.on_time")),
                alt.Tooltip("rate:Q", title=t("term.inspections_on_time_rate"), format=".1%"),
            ],
        ),
        width="stretch",
    )

# The serious-risk exit list (issue 17): loans marked for exit need an on-site check every month.
st.subheader(t("inspections.exit_list"))
exit_year, exit_month = (year, month) if by_month else (f.as_of.year, f.as_of.month)
exits = query(exit_checks, year=exit_year, month=exit_month, as_of=f.as_of, scope=f.scope)
st.caption(
    t(
        "inspections.exit_done",
        month=f"{exit_year}-{exit_month:02d}",
        checked=exits.checked,
        marked=exits.marked,
        rate=percent(exits.completion),
    )
)
if exits.loans.empty:
    st.info(t("inspections.exit_empty"))
else:
    exit_rows = exits.loans.copy()
    exit_rows.insert(1, "open", urls("loan", "loan_id", exit_rows["loan_id"]))
    exit_rows["officer_id"] = [names["officer"].get(x, x) for x in exit_rows["officer_id"]]
    table(
        exit_rows,
        "exit_checks",
        column_config={
            "loan_id": t("inspections.exit_col.loan_id"),
            "open": st.column_config.LinkColumn(t("issue.col.open"), display_text="→"),
            "branch_id": t("inspections.exit_col.branch_id"),
            "officer_id": t("inspections.officer"),
            "marked_on": t("inspections.exit_col.marked_on"),
            "checked_on": t("inspections.exit_col.checked_on"),
        },
    )

# Periodic checks as a due list (issue 17): each loan's next check, late ones first.
st.subheader(t("inspections.due_list"))
st.caption(t("inspections.due_intro"))
due_list = query(periodic_due_list, as_of=f.as_of, scope=f.scope, config=cfg)
if due_list.empty:
    st.info(t("inspections.due_empty"))
else:
    due_rows = due_list.copy()
    due_rows.insert(1, "open", urls("loan", "loan_id", due_rows["loan_id"]))
    due_rows["officer_id"] = [names["officer"].get(x, x) for x in due_rows["officer_id"]]
    table(
        due_rows,
        "periodic_due",
        column_config={name: t(f"inspections.due_col.{name}") for name in due_list.columns}
        | {
            "open": st.column_config.LinkColumn(t("issue.col.open"), display_text="→"),
            "late": st.column_config.CheckboxColumn(t("inspections.due_col.late")),
        },
    )
