"""Restructuring (issue 18): the loans under observation with their balance and re-defaults; a form to propose
a restructuring; for risk managers, the proposals waiting for a second person's approval."""

import pandas as pd
import streamlit as st

from dashboard.kpi.restructurings import restructured_figures, restructured_loans
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import money, table
from dashboard.work.access import can
from dashboard.work.restructuring import decide_restructuring, pending_restructurings, propose_restructuring

PROPOSE = "restructure"
DECIDE = "restructure_decide"

f = current()
cfg = config()
st.title(t("rs.title"))
st.caption(t("rs.intro", months=cfg.restructured_observation_months))
figures = query(restructured_figures, as_of=f.as_of, scope=f.scope, config=cfg)
tiles = st.columns(4)
tiles[0].metric(t("rs.loans"), f"{figures.loans:,}", border=True)
tiles[1].metric(t("rs.balance"), money(figures.balance), border=True)
tiles[2].metric(t("rs.redefaulted"), f"{figures.redefaulted:,}", border=True)
tiles[3].metric(t("rs.redefaulted_balance"), money(figures.redefaulted_balance), border=True)
st.subheader(t("rs.list"))
observed = query(restructured_loans, as_of=f.as_of, scope=f.scope, config=cfg)
observed["open"] = urls("loan", "loan_id", observed["loan_id"])
table(
    observed,
    "restructured_loans",
    column_config={
        "open": st.column_config.LinkColumn("→", display_text="→"),
        "loan_id": t("term.loan_id"),
        "restructured_on": t("rs.restructured_on"),
        "observed_until": t("rs.observed_until"),
        "balance": st.column_config.NumberColumn(t("rs.balance"), format="accounting"),
        "dpd": t("rs.dpd"),
        "redefaulted": st.column_config.CheckboxColumn(t("rs.is_redefaulted")),
    },
)

actor = current_actor()
if actor is None:
    st.stop()
if can(actor, "restructure"):
    st.subheader(t("rs.propose"))
    forms.notices(PROPOSE)
    with st.form(PROPOSE, clear_on_submit=False):
        token = forms.token(PROPOSE)
        st.text_input(t("rs.loan_id"), value=st.query_params.get("loan_id", ""), key=f"{PROPOSE}_loan_id")
        forms.field_error(PROPOSE, "loan_id")
        st.date_input(t("rs.restructured_on"), value=None, key=f"{PROPOSE}_restructured_on", **forms.ANY_DAY)
        forms.field_error(PROPOSE, "restructured_on")
        st.text_area(t("rs.reason"), key=f"{PROPOSE}_reason")
        forms.field_error(PROPOSE, "reason")
        submitted = st.form_submit_button(t("rs.submit"), type="primary")
    if submitted:
        state = st.session_state
        loan_id = state[f"{PROPOSE}_loan_id"].strip()
        problem = forms.loan_problem(actor, loan_id) if loan_id else t("work.err.required")
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            forms.outcome(
                PROPOSE,
                lambda: propose_restructuring(
                    engine(),
                    actor,
                    loan_id,
                    state[f"{PROPOSE}_restructured_on"],
                    state[f"{PROPOSE}_reason"],
                    token,
                ),
            )

if can(actor, "restructure_approve"):
    st.subheader(t("rs.pending"))
    forms.notices(DECIDE)
    with engine().connect() as conn:
        pending = pending_restructurings(conn, actor)
    if pending.empty:
        st.info(t("rs.none_pending"))
        st.stop()
    labels = {
        int(row.proposal_id): t(
            "rs.proposal",
            proposal_id=row.proposal_id,
            loan_id=row.loan_id,
            date=row.restructured_on,
            proposer=row.proposer if not pd.isna(row.proposer) else row.proposed_by,
        )
        for row in pending.itertuples()
    }
    with st.form(DECIDE, clear_on_submit=False):
        token = forms.token(DECIDE)
        proposal = st.selectbox(
            t("rs.pending"), list(labels), format_func=labels.__getitem__, key=f"{DECIDE}_id"
        )
        forms.field_error(DECIDE, "decision")
        st.text_area(t("rs.comment"), key=f"{DECIDE}_comment")
        forms.field_error(DECIDE, "comment")
        left, right = st.columns(2)
        approve = left.form_submit_button(t("rs.approve"), type="primary", key=f"{DECIDE}_approve")
        reject = right.form_submit_button(t("rs.reject"), key=f"{DECIDE}_reject")
    if (approve or reject) and proposal is not None:
        comment = st.session_state[f"{DECIDE}_comment"]
        forms.outcome(
            DECIDE,
            lambda: decide_restructuring(engine(), actor, int(proposal), bool(approve), comment, token),
        )
