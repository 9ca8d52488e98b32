"""Record a collection action (催收记录): channel, contact time, result, promise to pay, notes."""

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import config, engine
from dashboard.ui.i18n import t
from dashboard.ui.session import current_actor
from dashboard.work.collection import ActionForm, loan_contacts, recent_actions, record_action
from dashboard.work.photos import PhotoUpload
from db.models.enums import ACTION_CHANNELS, ACTION_RESULTS

FORM = "action"
# Labels fixed at render time: a format_func that looked the language up when called would answer in the
# default language outside a script run (AppTest replays widget states that way).

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()

st.title(t("page.action_form"))
linked = st.query_params.get("loan_id", "").strip()
if linked:  # from a link (the loan card's): checked, and the form is for that loan
    forms.loan_id_or_stop(actor, linked)
# Defaults set once per session rather than passed as value=: a default that moves with the clock would
# give the widgets a new identity on every run and lose what the user typed after a refused submit.
now = clock.now().replace(second=0, microsecond=0)
st.session_state.setdefault(f"{FORM}_date", now.date())
st.session_state.setdefault(f"{FORM}_time", now.time())

if linked:
    with engine().connect() as conn:
        contacts = loan_contacts(conn, actor, linked)
else:
    contacts = []
# Labels fixed at render time (see above); "" is the borrower.
whom = {"": t("action.contact.borrower")} | {
    c["contact_id"]: f"{plain(c['name'])} ({plain(c['relation'])})" if c["relation"] else plain(c["name"])
    for c in contacts
}

forms.notices(FORM)
with st.form(FORM, clear_on_submit=False):
    token = forms.token(FORM)
    if linked:
        st.caption(t("action.loan", loan_id=plain(linked)))
    else:
        st.text_input(t("action.loan_id"), key=f"{FORM}_loan_id", max_chars=40)
    forms.field_error(FORM, "loan_id")
    # Nothing chosen at first: a forgotten channel or result is refused at its field, not defaulted.
    forms.choice(FORM, "channel", t("action.channel"), ACTION_CHANNELS, "overdue.channel")
    if contacts:
        st.selectbox(t("action.contact"), list(whom), format_func=whom.__getitem__, key=f"{FORM}_contact")
        forms.field_error(FORM, "contact_id")
    day_column, time_column = st.columns(2)
    day_column.date_input(t("action.date"), key=f"{FORM}_date", **forms.ANY_DAY)
    time_column.time_input(t("action.time"), key=f"{FORM}_time", step=60)
    forms.field_error(FORM, "acted_at")
    forms.choice(FORM, "result", t("action.result"), ACTION_RESULTS, "overdue.result")
    amount_column, date_column = st.columns(2)
    amount_column.text_input(t("action.ptp_amount"), key=f"{FORM}_ptp_amount", help=t("action.ptp_help"))
    with amount_column:
        forms.field_error(FORM, "ptp_amount")
    date_column.date_input(
        t("action.ptp_on"), value=None, key=f"{FORM}_ptp_on", help=t("action.ptp_help"), **forms.ANY_DAY
    )
    with date_column:
        forms.field_error(FORM, "ptp_on")
    st.checkbox(t("action.info_repaired"), key=f"{FORM}_info_repaired")
    st.text_area(t("action.notes"), key=f"{FORM}_notes")
    forms.field_error(FORM, "notes")
    st.file_uploader(
        t("action.photos"),
        type=["jpg", "jpeg", "png"],
        accept_multiple_files=True,
        key=f"{FORM}_photos",
        help=t("action.photos_help", max=f"{config().photo_max_bytes:,} B"),
    )
    forms.field_error(FORM, "photos")
    submitted = st.form_submit_button(t("work.submit"), type="primary")

state = st.session_state
loan_id = linked or state.get(f"{FORM}_loan_id", "").strip()
if submitted:
    posted = ActionForm(
        loan_id=loan_id,
        channel=state[f"{FORM}_channel"],
        acted_at=datetime.combine(state[f"{FORM}_date"], state[f"{FORM}_time"]),
        result=state[f"{FORM}_result"],
        ptp_amount=state[f"{FORM}_ptp_amount"],
        ptp_on=state[f"{FORM}_ptp_on"],
        info_repaired=state[f"{FORM}_info_repaired"],
        notes=state[f"{FORM}_notes"],
        contact_id=state.get(f"{FORM}_contact") or None,
        photos=tuple(PhotoUpload(f.name, f.getvalue()) for f in state.get(f"{FORM}_photos") or ()),
    )
    forms.outcome(FORM, lambda: record_action(engine(), actor, posted, token, config()))

if loan_id:
    st.subheader(t("action.recent"))
    with engine().connect() as conn:
        actions = recent_actions(conn, actor, loan_id)
    if not actions:
        st.caption(t("action.none_yet"))
    else:
        # Everything as plain strings: notes are what someone typed and are shown as text only.
        shown = pd.DataFrame(
            {
                t("action.col.acted_at"): [f"{a['acted_at']:%Y-%m-%d %H:%M}" for a in actions],
                t("action.col.channel"): [t(f"overdue.channel.{a['channel']}") for a in actions],
                t("action.col.result"): [t(f"overdue.result.{a['result']}") for a in actions],
                t("action.col.ptp"): [
                    f"{a['ptp_amount']:,.2f} / {a['ptp_on']}" if a["ptp_amount"] is not None else ""
                    for a in actions
                ],
                t("action.col.by"): [a["by"] or "" for a in actions],
                t("action.col.notes"): [a["notes"] or "" for a in actions],
            },
            dtype=str,
        )
        st.dataframe(shown, hide_index=True)
