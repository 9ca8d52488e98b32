"""The written-off book (issue 18): loans written off, what was written off and recovered since, whether they
are still pursued, their last action and legal stage; write-off proposals, oldest first, with a form to
propose one (asset preservation, risk managers) and to approve or reject one (a risk manager who did not
propose it)."""

import pandas as pd
import streamlit as st

from dashboard.kpi.assessment import recovery_by_person
from dashboard.kpi.writeoffs import writeoff_totals, writeoffs
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import definition, money, percent, table
from dashboard.work.access import can
from dashboard.work.writeoff import decide_writeoff, pending_writeoffs, propose_writeoff

PROPOSE = "writeoff"
DECIDE = "writeoff_decide"

f = current()
cfg = config()
st.title(t("wo.title"))
st.caption(t("wo.caption", as_of=f.as_of))
totals = query(writeoff_totals, as_of=f.as_of, scope=f.scope, config=cfg)
tiles = st.columns(4)
tiles[0].metric(t("wo.loans"), f"{totals.loans:,}", border=True)
tiles[1].metric(t("wo.written_off"), money(totals.written_off), border=True)
tiles[2].metric(t("wo.recovered"), money(totals.recovered), border=True)
tiles[3].metric(t("wo.recovered_this_year"), money(totals.recovered_this_year), border=True)
st.caption(f"{t('wo.pursued')}: {totals.pursued:,} / {totals.loans:,}")
actor = current_actor()
if actor is not None and actor.role == "asset_preservation" and actor.staff_id:
    # The officer's own assessment (seed 002, Wuhan rules 四(2)): recovered this year against target.
    people = query(recovery_by_person, as_of=f.as_of, scope=f.scope, config=cfg)
    mine = people[people["staff_id"] == actor.staff_id]
    if not mine.empty:
        row = mine.iloc[0]
        own = st.columns(3)
        own[0].metric(t("wo.my_recovered"), money(row["recovered"]), border=True)
        own[1].metric(t("ap.target"), money(row["target"]), border=True)
        own[2].metric(t("ap.progress"), percent(row["progress"]), border=True)
definition("def.wo_recovered")

book = query(writeoffs, as_of=f.as_of, scope=f.scope, config=cfg)
book["legal_stage"] = t_codes("legal.stage.", book["legal_stage"])
book["last_action_channel"] = t_codes("overdue.channel.", book["last_action_channel"])
book["open"] = urls("loan", "loan_id", book["loan_id"])
st.caption(t("wo.not_pursued_hint", days=cfg.pursuit_quiet_days))
amount = st.column_config.NumberColumn
table(
    book,
    "writeoffs",
    column_config={
        "open": st.column_config.LinkColumn("→", display_text="→"),
        "loan_id": t("term.loan_id"),
        "branch_id": t("filter.branch"),
        "officer_id": t("staff.officer"),
        "written_off_on": t("wo.written_off_on"),
        "written_off": amount(t("wo.written_off"), format="accounting"),
        "recovered": amount(t("wo.recovered"), format="accounting"),
        "recovered_this_year": amount(t("wo.recovered_this_year"), format="accounting"),
        "legal_stage": t("wo.legal_stage"),
        "last_action_at": t("wo.last_action_at"),
        "last_action_channel": t("wo.last_action_channel"),
        "pursued": st.column_config.CheckboxColumn(t("wo.pursued")),
    },
)

if actor is None:
    st.stop()
if can(actor, "writeoff"):
    st.subheader(t("wo.propose"))
    st.caption(t("wo.propose_note"))
    forms.notices(PROPOSE)
    with st.form(PROPOSE, clear_on_submit=False):
        token = forms.token(PROPOSE)
        st.text_input(t("term.loan_id"), value=st.query_params.get("loan_id", ""), key=f"{PROPOSE}_loan_id")
        forms.field_error(PROPOSE, "loan_id")
        left, right = st.columns(2)
        left.date_input(t("wo.written_off_on"), value=None, key=f"{PROPOSE}_written_off_on", **forms.ANY_DAY)
        with left:
            forms.field_error(PROPOSE, "written_off_on")
        right.text_input(t("wo.amount"), key=f"{PROPOSE}_amount")
        with right:
            forms.field_error(PROPOSE, "amount")
        st.text_area(t("wo.reason"), key=f"{PROPOSE}_reason")
        forms.field_error(PROPOSE, "reason")
        submitted = st.form_submit_button(t("wo.submit"), type="primary")
    if submitted:
        state = st.session_state
        loan_id = state[f"{PROPOSE}_loan_id"].strip()
        problem = forms.loan_problem(actor, loan_id) if loan_id else t("work.err.required")
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            forms.outcome(
                PROPOSE,
                lambda: propose_writeoff(
                    engine(),
                    actor,
                    loan_id,
                    state[f"{PROPOSE}_written_off_on"],
                    state[f"{PROPOSE}_amount"],
                    state[f"{PROPOSE}_reason"],
                    token,
                    cfg,
                ),
            )

# The proposals waiting for a second person, oldest first, for everyone who sees the book.
st.subheader(t("wo.pending"))
with engine().connect() as conn:
    pending = pending_writeoffs(conn, actor)
if pending.empty:
    st.info(t("wo.none_pending"))
    st.stop()
shown = pending.assign(
    open=urls("loan", "loan_id", pending["loan_id"]),
    proposer=[
        p if not pd.isna(p) else s for p, s in zip(pending["proposer"], pending["proposed_by"], strict=True)
    ],
    proposed_at=[str(v)[:16] for v in pending["proposed_at"]],
).drop(columns=["proposed_by"])
table(
    shown,
    "writeoff_proposals",
    column_config={
        "open": st.column_config.LinkColumn("→", display_text="→"),
        "proposal_id": t("wo.proposal_id"),
        "loan_id": t("term.loan_id"),
        "branch_id": t("filter.branch"),
        "written_off_on": t("wo.written_off_on"),
        "amount": amount(t("wo.amount"), format="accounting"),
        "reason": t("wo.reason"),
        "proposer": t("wo.proposer"),
        "proposed_at": t("wo.proposed_at"),
    },
)
if not can(actor, "writeoff_approve"):
    st.stop()
labels = {
    int(row.proposal_id): t(
        "wo.proposal",
        proposal_id=row.proposal_id,
        loan_id=row.loan_id,
        date=row.written_off_on,
        amount=money(row.amount),
        proposer=row.proposer if not pd.isna(row.proposer) else row.proposed_by,
    )
    for row in pending.itertuples()
}
forms.notices(DECIDE)
with st.form(DECIDE, clear_on_submit=False):
    token = forms.token(DECIDE)
    proposal = st.selectbox(t("wo.decide"), list(labels), format_func=labels.__getitem__, key=f"{DECIDE}_id")
    forms.field_error(DECIDE, "decision")
    st.text_area(t("wo.comment"), key=f"{DECIDE}_comment")
    forms.field_error(DECIDE, "comment")
    left, right = st.columns(2)
    approve = left.form_submit_button(t("wo.approve"), type="primary", key=f"{DECIDE}_approve")
    reject = right.form_submit_button(t("wo.reject"), key=f"{DECIDE}_reject")
if (approve or reject) and proposal is not None:
    comment = st.session_state[f"{DECIDE}_comment"]
    forms.outcome(
        DECIDE,
        lambda: decide_writeoff(engine(), actor, int(proposal), bool(approve), comment, token, cfg),
    )
