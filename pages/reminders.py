"""Reminders (提醒, issue 17): instalments due soon, bullet loans maturing soon, revisits after a first
overdue; mark each reminded; the coverage of the last 30 days."""

from datetime import date, timedelta

import streamlit as st

from dashboard import clock
from dashboard.kpi.reminders import reminder_coverage
from dashboard.kpi.scope import Scope
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.reminders import record_reminder, reminder_list
from db.models.enums import REMINDER_CHANNELS

FORM = "remind"
COVERAGE_DAYS = 30

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
today = clock.today()  # a work list is about now
cfg = config()
st.title(t("page.reminders"))
st.caption(t("remind.intro"))
items = query(reminder_list, actor, today, cfg)
if items.empty:
    st.info(t("remind.none"))
shown = items.copy()
shown.insert(2, "open", urls("loan", "loan_id", shown["loan_id"]))
shown["kind"] = t_codes("remind.kind.", shown["kind"])
table(
    shown,
    "reminders",
    column_config={name: st.column_config.Column(t(f"remind.col.{name}")) for name in items.columns}
    | {"open": st.column_config.LinkColumn(t("issue.col.open"), display_text="→")},
)

if can(actor, "visit") and not items.empty:
    pending = items[items["reminded_on"].isna()]
    kinds = {kind: t(f"remind.kind.{kind}") for kind in set(pending["kind"])}
    labels = {
        f"{row.kind}|{row.loan_id}|{row.due_on}": f"{kinds[row.kind]} · {row.loan_id} · {row.due_on}"
        for row in pending.itertuples()
    }
    forms.notices(FORM)
    with st.form(FORM, clear_on_submit=False):
        token = forms.token(FORM)
        picked = st.selectbox(
            t("remind.pick"), list(labels), index=None, format_func=labels.__getitem__, key=f"{FORM}_item"
        )
        forms.field_error(FORM, "due_on")
        forms.choice(FORM, "channel", t("remind.channel"), REMINDER_CHANNELS, "remind.channel")
        submitted = st.form_submit_button(t("remind.save"), type="primary", key=f"{FORM}_submit")
    if submitted and picked:
        kind, loan_id, due = picked.split("|")
        channel = st.session_state[f"{FORM}_channel"]
        due_on = date.fromisoformat(due)
        forms.outcome(
            FORM,
            lambda: record_reminder(engine(), actor, loan_id, kind, due_on, channel, token, today=today),
        )

st.subheader(t("remind.coverage"))
coverage = query(
    reminder_coverage,
    start=today - timedelta(days=COVERAGE_DAYS),
    end=today,
    as_of=today,
    scope=Scope(actor=actor),
    config=cfg,
)
coverage["kind"] = t_codes("remind.kind.", coverage["kind"])
table(
    coverage,
    "reminder_coverage",
    column_config={name: t(f"remind.col.{name}") for name in coverage.columns if name != "coverage"}
    | {"coverage": st.column_config.NumberColumn(t("remind.col.coverage"), format="percent")},
)
