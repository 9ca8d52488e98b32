"""Classification override (DOMAIN rule 12): a risk manager moves a loan to a worse class with a reason.
Below the form, the overrides that risk-signal inspections propose."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.inspections import proposed_overrides
from dashboard.work.overrides import MAX_REASON, loan_class, loan_overrides, record_override, worse_classes
from dashboard.work.saving import Saved

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.override_form"))
if not can(actor, "override"):
    st.error(t("ovr.refused"))
    st.stop()

f = current()
cfg = config()
st.caption(t("ovr.rule"))


DONE = "_ovr_done"


def _seen_key(loan_id: str, on: date) -> str:
    return f"_ovr_seen_{loan_id}_{on.isoformat()}"


def override_section(actor: Actor, loan_id: str) -> None:
    problem = forms.loan_problem(actor, loan_id)
    if problem:
        st.error(problem, icon=":material/block:")
        return
    with engine().connect() as conn:
        # What the form was rendered against (the loan's class, how many overrides it had) stays until this
        # user saves or changes the date: the form and its options must not change under a submit. Someone
        # else's override in between is caught by the save, which checks the class again.
        key = _seen_key(loan_id, f.as_of)
        if key not in st.session_state:
            st.session_state[key] = {
                "class": loan_class(conn, loan_id, f.as_of, cfg),
                "overrides": len(loan_overrides(conn, loan_id)),
            }
    seen = st.session_state[key]
    done = st.session_state.pop(DONE, None)
    if done:
        record, duplicate = done
        st.success(t("ovr.duplicate" if duplicate else "ovr.saved", record=record))
    current_class: str | None = seen["class"]
    if current_class is None:
        st.info(t("ovr.not_active", loan_id=plain(loan_id), date=f.as_of))
    else:
        st.metric(t("ovr.current", date=f.as_of), t(f"class.{current_class}"), border=True)
    worse = worse_classes(current_class) if current_class else []
    if current_class == "loss":
        st.info(t("ovr.nothing_worse", date=f.as_of))
    if worse:
        # One form (and idempotency token) per state of the loan's overrides: after a save the next form is
        # a new record, while a resubmit of the same form writes nothing.
        override_form(actor, loan_id, worse, f"override_{loan_id}_{seen['overrides']}", key)
    history = query(loan_overrides, loan_id)
    if not history.empty:
        st.subheader(t("ovr.history"))
        history["classification"] = [t(f"class.{c}") for c in history["classification"]]
        table(
            history,
            f"overrides_{loan_id}",
            column_config={name: t(f"ovr.col.{name}") for name in history.columns},
        )


def override_form(actor: Actor, loan_id: str, worse: list[str], name: str, seen_key: str) -> None:
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        token = forms.token(name)
        effective_on = st.date_input(
            t("ovr.effective_on"), value=f.as_of, key=f"{name}_effective_on", **forms.ANY_DAY
        )
        forms.field_error(name, "effective_on")
        classification = st.selectbox(
            t("ovr.classification"),
            worse,
            format_func={c: t(f"class.{c}") for c in worse}.__getitem__,
            key=f"{name}_classification",
        )
        forms.field_error(name, "classification")
        reason = st.text_area(t("ovr.reason"), max_chars=MAX_REASON, key=f"{name}_reason")
        forms.field_error(name, "reason")
        if st.form_submit_button(t("work.submit"), key=f"{name}_submit"):

            def run() -> Saved:
                saved = record_override(
                    engine(), actor, loan_id, effective_on, classification, reason, token, cfg
                )
                st.session_state.pop(seen_key, None)  # the class has changed: read it again
                st.session_state[DONE] = (saved.record_key, saved.duplicate)
                return saved

            forms.outcome(name, run)


def proposals_section(actor: Actor) -> None:
    st.subheader(t("ovr.proposals"))
    proposals = query(proposed_overrides, actor, clock.today()).copy()
    if "loan_id" in proposals.columns:
        proposals.insert(0, "open", urls("override", "loan_id", proposals["loan_id"]))
    if "done_on" in proposals.columns:  # as text: a date under TextColumn was drawn as epoch milliseconds
        proposals["done_on"] = [None if pd.isna(day) else day.isoformat() for day in proposals["done_on"]]
    if "current_class" in proposals.columns:
        proposals["current_class"] = [
            None if pd.isna(c) else t(f"class.{c}") for c in proposals["current_class"]
        ]
    table(
        proposals,
        "override_proposals",
        column_config={
            name: st.column_config.TextColumn(t(f"ovr.col.{name}"))
            for name in ("loan_id", "done_on", "inspector", "findings", "current_class")
        }
        | {"open": st.column_config.LinkColumn(t("ovr.col.open"), display_text="→")},
    )


# The link's loan id is checked like any URL value; ids are shown as plain text, never as Markdown.
# Checked like every form's (forms.loan_problem in override_section): a bad id is an error at the form.
loan_id = (st.query_params.get("loan_id") or st.text_input(t("ovr.loan"), key="override_loan") or "").strip()
if loan_id:
    override_section(actor, loan_id)
else:
    forms.no_loan_yet()
proposals_section(actor)
