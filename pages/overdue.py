"""Overdue lists: breaches of the collection rules against last week, every overdue loan with the next
action the rules require, and each collector's task list for the day. An agency sees its placed loans'
collection data only: no breach tiles, no internal columns, no collectors' task lists."""

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.kpi.collection import collectors, counts_of, overdue_counts, overdue_list, tasks_of
from dashboard.kpi.periods import previous_sunday
from dashboard.kpi.promises import broken_promises, promises_due
from dashboard.ui.allocation import allocation_panel, proposals_panel
from dashboard.ui.data import config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.promises import promises_section
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table, versus
from dashboard.work.access import can
from dashboard.work.external import INTERNAL_OVERDUE_COLUMNS, sees_internal

LIMIT = 5000
TILES = ("loans", "big_no_visit", "not_placed", "lost_no_visit")
BREACHES = ("big_no_visit", "not_placed", "lost_no_visit")

f = current()
cfg = config()
actor = current_actor()
internal = sees_internal(actor)
tiles = TILES if internal else TILES[:1]
# The rule texts carry the configured thresholds.
rule = {
    "amount": f"{cfg.field_visit_amount:,.0f}",
    "days": cfg.agency_after_dpd,
    "lost": cfg.lost_contact_days,
}
st.title(t("overdue.title"))

previous_date = previous_sunday(f.as_of)  # snapshotted, so the comparison is cheap
# Independent queries, run side by side; the calls below are then handed their results.
prefetch(
    partial(overdue_list, as_of=f.as_of, scope=f.scope, config=cfg, limit=LIMIT),
    partial(overdue_counts, as_of=previous_date, scope=f.scope, config=cfg),
    partial(collectors, as_of=f.as_of, scope=f.scope),
)
loans = query(overdue_list, as_of=f.as_of, scope=f.scope, config=cfg, limit=LIMIT)
# Building the overdue rows is the page's main cost: a list that is not cut by the limit already holds
# the counts and every collector's tasks.
complete = len(loans) < LIMIT
now = counts_of(loans) if complete else query(overdue_counts, as_of=f.as_of, scope=f.scope, config=cfg)
before = query(overdue_counts, as_of=previous_date, scope=f.scope, config=cfg)
values = {"loans": (now.overdue, before.overdue)} | {
    key: (getattr(now, key), getattr(before, key)) for key in BREACHES
}
for tile, key in zip(st.columns(len(tiles)), tiles, strict=True):
    value, previous = values[key]
    with tile:
        st.metric(
            t(f"term.overdue_{key}"),
            f"{value:,}",
            delta=versus(f"{value - previous:+,}", previous_date),
            delta_color="inverse" if value != previous else "off",
            help=t(f"def.overdue_{key}", **rule),
            border=True,
        )
        if key in BREACHES:
            st.badge(
                t("overdue.target_zero"),
                color="green" if value == 0 else "red",
                icon=":material/check:" if value == 0 else ":material/warning:",
            )
with st.expander(t("common.definition")):
    for key in tiles:
        st.markdown(f"**{t(f'term.overdue_{key}')}** — {t(f'def.overdue_{key}', **rule)}")
    # The task lists' rule: both lists take their next action from dashboard.kpi.tasks.next_action.
    st.markdown(f"**{t('term.overdue_next_action')}** — {t('next_action.rule', **rule)}")
    st.markdown(f"**{t('term.overdue_days_since_contact')}** — {t('def.overdue_days_since_contact')}")

promises_section(
    query(promises_due, as_of=f.as_of, scope=f.scope),
    query(broken_promises, as_of=f.as_of, scope=f.scope),
    key="overdue",
    show_by=internal,
)

if now.overdue == 0:
    st.info(t("overdue.none", as_of=f.as_of))
    st.stop()


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes to words in the chosen language, and the link to each loan's card first."""
    shown = frame.drop(columns=["collector_id"] if internal else ["collector_id", *INTERNAL_OVERDUE_COLUMNS])
    shown.insert(0, "open", urls("loan", "loan_id", shown["loan_id"]))
    for column, prefix in (
        ("classification", "class."),
        ("next_action", "next_action."),
        ("last_channel", "overdue.channel."),
        ("last_result", "overdue.result."),
    ):
        if column in shown:
            shown[column] = t_codes(prefix, shown[column])
    return shown


money_column = {
    name: st.column_config.NumberColumn(t(f"term.{name}"), format="accounting")
    for name in ("overdue_amount", "outstanding_principal")
}
LIST_CONFIG = (
    money_column
    | {
        "open": st.column_config.LinkColumn(t("overdue.open"), display_text="→"),
        "loan_id": t("term.loan_id"),
        "dpd": t("term.dpd"),
        "bucket": t("term.bucket"),
        "classification": t("term.class"),
        "officer": t("overdue.officer"),
        "agency": t("overdue.agency"),
        "collector": t("overdue.collector_col"),
        "last_action_on": st.column_config.DateColumn(t("overdue.last_action_on")),
        "last_channel": t("overdue.last_channel"),
        "last_result": t("overdue.last_result"),
        "days_since_contact": st.column_config.NumberColumn(t("overdue.days_since_contact"), format="%d"),
        "lost_contact_since": st.column_config.DateColumn(t("overdue.lost_contact_since")),
        "lost_contact_days": st.column_config.NumberColumn(t("overdue.lost_contact_days"), format="%d"),
        "field_visited": st.column_config.CheckboxColumn(t("overdue.field_visited")),
        "next_action": t("overdue.next_action"),
    }
    | {key: st.column_config.CheckboxColumn(t(f"term.overdue_{key}")) for key in BREACHES}
)

st.subheader(t("overdue.by_action"))
mix = loans.groupby(["next_action", "bucket"]).size().reset_index(name="loans")
mix["action"] = t_codes("next_action.", mix["next_action"])
st.altair_chart(
    alt.Chart(mix)
    .mark_bar()
    .encode(
        x=alt.X("loans:Q", title=t("term.loans")),
        y=alt.Y("action:N", title=t("overdue.next_action"), sort="-x"),
        color=alt.Color(
            "bucket:N",
            title=t("term.bucket"),
            scale=alt.Scale(
                domain=["M1", "M2", "M3", "M3+"], range=["#f2c94c", "#f2994a", "#eb5757", "#8b1a1a"]
            ),
        ),
        tooltip=[
            alt.Tooltip("action:N", title=t("overdue.next_action")),
            alt.Tooltip("bucket:N", title=t("term.bucket")),
            alt.Tooltip("loans:Q", title=t("term.loans")),
        ],
    ),
    width="stretch",
)

st.subheader(t("overdue.list"))
if not internal:
    table(readable(loans), "overdue_loans", column_config=LIST_CONFIG, total=now.overdue)
    st.stop()  # the breaches and the collectors' task lists are the lender's
if st.toggle(t("overdue.breaches_only"), key="overdue_breaches_only"):
    table(readable(loans[loans[list(BREACHES)].any(axis=1)]), "overdue_loans", column_config=LIST_CONFIG)
else:
    table(readable(loans), "overdue_loans", column_config=LIST_CONFIG, total=now.overdue)

if actor is not None and can(actor, "allocate"):
    with st.expander(t("alloc.title"), expanded=True):
        allocation_panel(actor, loans, f.as_of)
    with st.expander(t("alloc.proposals"), expanded=True):
        proposals_panel(actor, f.as_of, f.scope, cfg)

st.subheader(t("overdue.tasks"))
staff = query(collectors, as_of=f.as_of, scope=f.scope)
if staff.empty:
    st.info(t("overdue.no_collectors", as_of=f.as_of))
    st.stop()
names = {
    row.staff_id: f"{row.name} ({t(f'overdue.role.{row.role}')}, {row.loans:,})" for row in staff.itertuples()
}
collector = st.selectbox(
    t("overdue.collector"), list(names), format_func=names.__getitem__, key="overdue_collector"
)
tasks = (
    tasks_of(loans, collector)
    if complete
    else query(overdue_list, as_of=f.as_of, scope=f.scope, config=cfg, collector_id=collector, limit=LIMIT)
)
if tasks.empty:
    st.info(t("overdue.no_tasks", as_of=f.as_of))
else:
    st.caption(t("overdue.reporting"))
    table(readable(tasks.drop(columns=["collector"])), f"tasks_{collector}", column_config=LIST_CONFIG)
