"""Record a visit (回访记录, DOMAIN rule 7) and the issues found on it. The visitor is the signed-in user."""

import streamlit as st

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import config, engine
from dashboard.ui.i18n import option_names, t
from dashboard.ui.pages import PAGES_DIR
from dashboard.ui.session import current_actor
from dashboard.work.access import can
from dashboard.work.photos import PhotoUpload
from dashboard.work.visits import (
    MAX_ISSUES,
    MAX_TEXT,
    IssueFound,
    VisitForm,
    correct_visit,
    record_visit,
    visits_of,
)
from db.models.enums import SEVERITIES, VISIT_METHODS, VISIT_STAGES

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.visit_form"))
if not can(actor, "visit"):
    st.error(t("visit.refused"))
    st.stop()


def visit_form(actor: Actor, loan_id: str) -> None:
    name = f"visit_{loan_id}"
    state = st.session_state
    # Defaults set once rather than passed as value=: a default that moved with the clock would give the
    # widget a new identity and lose what was typed.
    state.setdefault(f"{name}_visited_on", clock.today())
    # Outside the form: changing the number of issues redraws the form at once, keeping what was typed.
    count = st.number_input(
        t("visit.issue_count"), min_value=0, max_value=MAX_ISSUES, step=1, key=f"{name}_issue_count"
    )
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        token = forms.token(name)
        st.date_input(t("visit.visited_on"), key=f"{name}_visited_on", **forms.ANY_DAY)
        forms.field_error(name, "visited_on")
        left, right = st.columns(2)
        with left:
            forms.choice(name, "method", t("visit.method"), VISIT_METHODS, "visit.method")
        with right:
            forms.choice(name, "stage", t("visit.stage"), VISIT_STAGES, "visit.stage")
        st.text_area(t("visit.content"), max_chars=MAX_TEXT, key=f"{name}_content")
        forms.field_error(name, "content")
        st.text_area(t("visit.feedback"), max_chars=MAX_TEXT, key=f"{name}_feedback")
        forms.field_error(name, "feedback")
        left, right = st.columns(2)
        with left:
            st.selectbox(
                t("visit.satisfaction"),
                [1, 2, 3, 4, 5],
                index=None,
                placeholder="—",
                key=f"{name}_satisfaction",
            )
            forms.field_error(name, "satisfaction")
        with right:
            st.date_input(t("visit.next_follow_up_on"), value=None, key=f"{name}_follow_up", **forms.ANY_DAY)
            forms.field_error(name, "next_follow_up_on")
        for n in range(1, int(count) + 1):
            st.caption(t("visit.issue", n=n))
            st.selectbox(
                t("visit.issue.severity"),
                SEVERITIES,
                index=None,
                placeholder=t("visit.choose"),
                format_func=option_names("visit.severity"),
                key=f"{name}_issue_{n}_severity",
            )
            st.text_area(
                t("visit.issue.description"), max_chars=MAX_TEXT, key=f"{name}_issue_{n}_description"
            )
            forms.field_error(name, f"issue_{n}")
        st.file_uploader(
            t("visit.photos"),
            type=["jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key=f"{name}_photos",
            help=t("action.photos_help", max=f"{config().photo_max_bytes:,} B"),
        )
        forms.field_error(name, "photos")
        submitted = st.form_submit_button(t("work.submit"), type="primary", key=f"{name}_submit")
    if submitted:
        posted = VisitForm(
            loan_id=loan_id,
            visited_on=state[f"{name}_visited_on"],
            method=state[f"{name}_method"],
            stage=state[f"{name}_stage"],
            content=state[f"{name}_content"],
            feedback=state[f"{name}_feedback"],
            satisfaction=state[f"{name}_satisfaction"],
            next_follow_up_on=state[f"{name}_follow_up"],
            issues=[
                IssueFound(state[f"{name}_issue_{n}_severity"], state[f"{name}_issue_{n}_description"])
                for n in range(1, int(count) + 1)
            ],
            photos=tuple(PhotoUpload(f.name, f.getvalue()) for f in state.get(f"{name}_photos") or ()),
        )
        forms.outcome(name, lambda: record_visit(engine(), actor, posted, token, config=config()))


loan_id = (st.query_params.get("loan_id") or st.text_input(t("visit.loan"), key="visit_loan") or "").strip()
if not loan_id:
    forms.no_loan_yet()
    st.stop()
forms.loan_id_or_stop(actor, loan_id)
st.page_link(
    PAGES_DIR / "loan.py",
    label=t("loan.title", loan_id=plain(loan_id)),
    icon=":material/description:",
    query_params={"loan_id": loan_id},
)
visit_form(actor, loan_id)


# Correcting a saved record (issue 17): the correction is audited and counts against record accuracy.
with engine().connect() as conn:
    saved_visits = visits_of(conn, actor, loan_id)
if saved_visits:
    with st.expander(t("visit.correct")):
        name = f"correct_{loan_id}"
        forms.notices(name)
        with st.form(name, clear_on_submit=False):
            token = forms.token(name)
            picked = st.selectbox(
                t("visit.correct_pick"),
                list(saved_visits),
                format_func=saved_visits.__getitem__,
                key=f"{name}_visit",
            )
            st.text_area(t("visit.content"), max_chars=MAX_TEXT, key=f"{name}_content")
            forms.field_error(name, "content")
            st.text_area(t("visit.feedback"), max_chars=MAX_TEXT, key=f"{name}_feedback")
            forms.field_error(name, "feedback")
            st.selectbox(
                t("visit.satisfaction"),
                [1, 2, 3, 4, 5],
                index=None,
                placeholder="—",
                key=f"{name}_satisfaction",
            )
            st.text_area(t("visit.correct_reason"), max_chars=MAX_TEXT, key=f"{name}_reason")
            forms.field_error(name, "reason")
            corrected = st.form_submit_button(t("visit.correct_save"), type="primary", key=f"{name}_submit")
        if corrected and picked:
            state = st.session_state
            forms.outcome(
                name,
                lambda: correct_visit(
                    engine(),
                    actor,
                    picked,
                    state[f"{name}_content"],
                    state[f"{name}_feedback"],
                    state[f"{name}_satisfaction"],
                    state[f"{name}_reason"],
                    token,
                ),
            )
