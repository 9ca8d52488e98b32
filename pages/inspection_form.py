"""Record an inspection (贷后检查, DOMAIN rule 6): kind, method, the checklist, findings and a risk signal.
The inspector is the signed-in user; a risk signal proposes a classification override to a risk manager."""

import streamlit as st

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import engine
from dashboard.ui.i18n import option_names, t
from dashboard.ui.pages import PAGES_DIR
from dashboard.ui.session import current_actor
from dashboard.work.access import can
from dashboard.work.inspections import (
    BAD_WHEN_TICKED,
    OK_WHEN_TICKED,
    PROBLEM_BOX,
    InspectionForm,
    is_business_loan,
    ok_from_problem,
    record_inspection,
)
from dashboard.work.visits import MAX_ISSUES, MAX_TEXT, IssueFound
from db.models.enums import INSPECTION_KINDS, INSPECTION_METHODS, SEVERITIES

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.inspection_form"))
if not can(actor, "inspection"):
    st.error(t("insp.refused"))
    st.stop()


def inspection_form(actor: Actor, loan_id: str, business: bool) -> None:
    name = f"insp_{loan_id}"
    state = st.session_state
    state.setdefault(f"{name}_done_on", clock.today())  # set once: see pages/visit_form.py
    # Outside the form, as on the visit form: changing the number redraws the form at once.
    count = st.number_input(
        t("visit.issue_count"), min_value=0, max_value=MAX_ISSUES, step=1, key=f"{name}_issue_count"
    )
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        token = forms.token(name)
        left, middle, right = st.columns(3)
        with left:
            forms.choice(name, "kind", t("insp.kind"), INSPECTION_KINDS, "insp.kind")
        with middle:
            forms.choice(name, "method", t("insp.method"), INSPECTION_METHODS, "insp.method")
        with right:
            st.date_input(t("insp.done_on"), key=f"{name}_done_on", **forms.ANY_DAY)
            forms.field_error(name, "done_on")
        st.caption(t("insp.checklist"))
        st.caption(t("insp.checklist_help"))
        funds, guarantor, trade = (PROBLEM_BOX[k] for k in OK_WHEN_TICKED)
        st.checkbox(t(f"insp.{funds}"), value=False, key=f"{name}_{funds}")
        for box in BAD_WHEN_TICKED:
            st.checkbox(t(f"insp.{box}"), value=False, key=f"{name}_{box}")
        st.checkbox(t(f"insp.{guarantor}"), value=False, key=f"{name}_{guarantor}")
        if business:
            st.checkbox(t(f"insp.{trade}"), value=False, key=f"{name}_{trade}")
            forms.field_error(name, "business_ok")
        else:
            st.caption(t("insp.business_only"))
        st.text_area(
            t("insp.findings"), max_chars=MAX_TEXT, help=t("insp.findings_help"), key=f"{name}_findings"
        )
        forms.field_error(name, "findings")
        st.checkbox(t("insp.risk_signal"), help=t("insp.risk_signal_help"), key=f"{name}_risk_signal")
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
        submitted = st.form_submit_button(t("work.submit"), type="primary", key=f"{name}_submit")
    if submitted:
        posted = InspectionForm(
            loan_id=loan_id,
            kind=state[f"{name}_kind"],
            method=state[f"{name}_method"],
            done_on=state[f"{name}_done_on"],
            funds_use_ok=ok_from_problem(state[f"{name}_{funds}"]),
            guarantor_collateral_ok=ok_from_problem(state[f"{name}_{guarantor}"]),
            business_ok=ok_from_problem(state.get(f"{name}_{trade}")) if business else None,
            findings=state[f"{name}_findings"],
            risk_signal=state[f"{name}_risk_signal"],
            **{box: state[f"{name}_{box}"] for box in BAD_WHEN_TICKED},
            issues=[
                IssueFound(state[f"{name}_issue_{n}_severity"], state[f"{name}_issue_{n}_description"])
                for n in range(1, int(count) + 1)
            ],
        )
        forms.outcome(name, lambda: record_inspection(engine(), actor, posted, token))


loan_id = (st.query_params.get("loan_id") or st.text_input(t("insp.loan"), key="insp_loan") or "").strip()
if not loan_id:
    forms.no_loan_yet()
    st.stop()
forms.loan_id_or_stop(actor, loan_id)
with engine().connect() as conn:
    business = is_business_loan(conn, loan_id)
st.page_link(
    PAGES_DIR / "loan.py",
    label=t("loan.title", loan_id=plain(loan_id)),
    icon=":material/description:",
    query_params={"loan_id": loan_id},
)
inspection_form(actor, loan_id, business)
