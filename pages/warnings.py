"""Early warnings (风险预警, issue 17): the officer's list, overdue responses first; verify a warning and
decide what to do; the figures by branch and officer."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.kpi.scope import Scope
from dashboard.kpi.warnings import warning_figures
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.i18n import option_names, t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.ui.workdays import calendar_notice
from dashboard.work.access import can
from dashboard.work.saving import Saved
from dashboard.work.visits import MAX_TEXT
from dashboard.work.warnings import Response, respond, warning_list
from db.models.enums import CLASSES, WARNING_DISPOSITIONS, WARNING_VERIFICATIONS

STATES = ("open", "all")
SHOWN = (
    "warning_id",
    "loan_id",
    "kind",
    "observed_on",
    "respond_by",
    "overdue",
    "officer",
    "verification",
    "disposition",
    "responded_on",
    "detail",
)
FIGURE_DAYS = 30  # the figures cover the warnings seen in the last this many days
DONE = "_warnings_done"

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
# A work list is about now, not the dashboards' as-of date: a signal imported overnight shows this morning.
today = clock.today()
st.title(t("page.warnings"))
calendar_notice()
st.caption(t("warn.intro"))
done = st.session_state.pop(DONE, None)
if done is not None:
    st.success(t("warn.saved", key=done), icon=":material/check_circle:")

state_names = {s: t(f"warn.state.{s}") for s in STATES}
state = st.radio(
    t("warn.state"), STATES, format_func=state_names.__getitem__, horizontal=True, key="warnings_state"
)
warnings = query(warning_list, actor, today, state=state)
if warnings.empty:
    st.info(t("warn.none"))
shown = warnings[list(SHOWN)].copy()
shown.insert(2, "open", urls("loan", "loan_id", shown["loan_id"]))
shown["kind"] = t_codes("warn.kind.", shown["kind"])
shown["verification"] = t_codes("warn.verification.", shown["verification"])
shown["disposition"] = t_codes("warn.disposition.", shown["disposition"])
table(
    shown,
    "warnings",
    column_config={name: st.column_config.Column(t(f"warn.col.{name}")) for name in SHOWN}
    | {
        "open": st.column_config.LinkColumn(t("issue.col.open"), display_text="→"),
        "overdue": st.column_config.CheckboxColumn(t("warn.col.overdue")),
    },
)

if can(actor, "warning"):
    open_rows = warnings[warnings["disposition"].isna()]
    labels = {
        int(
            row.warning_id
        ): f"{row.warning_id} · {row.loan_id} · {t(f'warn.kind.{row.kind}')} · {row.respond_by}"
        for row in open_rows.itertuples()
    }
    if st.session_state.get("warnings_pick") not in labels:  # answered, or gone from the list shown
        st.session_state.pop("warnings_pick", None)
    picked = st.selectbox(
        t("warn.pick"), list(labels), index=None, format_func=labels.__getitem__, key="warnings_pick"
    )
    if picked is not None:
        row = open_rows.set_index("warning_id").loc[picked]
        version = int(row["version"])
        name = f"warn_{picked}_v{version}"
        st.subheader(t("warn.respond", warning_id=picked))
        forms.notices(name)
        forms.field_error(name, "warning_id")
        with st.form(name, clear_on_submit=False):
            token = forms.token(name)
            verified = not pd.isna(row["verification"])  # an all-empty column may come back as NaN
            if not verified:
                forms.choice(
                    name, "verification", t("warn.verification"), WARNING_VERIFICATIONS, "warn.verification"
                )
                st.date_input(t("warn.verified_on"), value=today, key=f"{name}_verified_on", **forms.ANY_DAY)
                forms.field_error(name, "verified_on")
                st.text_area(
                    t("warn.verification_notes"), max_chars=MAX_TEXT, key=f"{name}_verification_notes"
                )
                forms.field_error(name, "verification_notes")
            st.selectbox(
                t("warn.disposition"),
                WARNING_DISPOSITIONS,
                index=None,
                placeholder="—",
                format_func=option_names("warn.disposition"),
                key=f"{name}_disposition",
            )
            forms.field_error(name, "disposition")
            st.selectbox(
                t("warn.class"),
                CLASSES[1:],
                index=None,
                placeholder="—",
                format_func=option_names("class"),
                key=f"{name}_proposed_class",
            )
            forms.field_error(name, "proposed_class")
            submitted = st.form_submit_button(t("warn.save"), type="primary", key=f"{name}_submit")
        if submitted:
            state_of = st.session_state
            response = Response(
                verification=None if verified else state_of[f"{name}_verification"],
                verified_on=None if verified else state_of[f"{name}_verified_on"],
                notes=None if verified else state_of[f"{name}_verification_notes"],
                disposition=state_of[f"{name}_disposition"],
                proposed_class=state_of[f"{name}_proposed_class"],
            )

            def save_response() -> Saved:
                saved = respond(engine(), actor, picked, version, response, token, config(), today=today)
                st.session_state[DONE] = picked
                return saved

            forms.outcome(name, save_response)

st.subheader(t("warn.figures"))
figures = query(
    warning_figures,
    start=today - timedelta(days=FIGURE_DAYS),
    end=today,
    as_of=today,
    scope=Scope(actor=actor),
)
table(
    figures,
    "warning_figures",
    column_config={
        name: st.column_config.Column(t(f"warn.col.{name}"))
        for name in figures.columns
        if name != "in_time_rate"
    }
    | {"in_time_rate": st.column_config.NumberColumn(t("warn.col.in_time_rate"), format="percent")},
)
