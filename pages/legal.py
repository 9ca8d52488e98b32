"""Legal cases (issue 18): the cases by stage and age, hearings this week, recovered against costs; a form
to open a case on a loan or move one to its next stage, with the case's timeline."""

import pandas as pd
import streamlit as st

from dashboard.kpi.legal import AGE_BANDS, legal_book, legal_cases
from dashboard.ui import forms
from dashboard.ui.data import engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import option_names, t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.legal import CaseForm, case_timeline, loan_cases, save_case
from db.models.enums import LEGAL_STAGES

FORM = "legal"
NEW = "__new__"
WEEK = 7

f = current()
st.title(t("legal.title"))
st.caption(t("legal.caption", as_of=f.as_of))

amount = st.column_config.NumberColumn
AMOUNT_COLUMNS = {name: amount(t(f"legal.{name}"), format="accounting") for name in ("claimed", "awarded")}
AMOUNT_COLUMNS |= {name: amount(t(f"legal.{name}"), format="accounting") for name in ("recovered", "costs")}

st.subheader(t("legal.by_stage"))
book = query(legal_book, as_of=f.as_of, scope=f.scope)
book["stage"] = t_codes("legal.stage.", book["stage"])
table(
    book,
    "legal_by_stage",
    column_config={
        "stage": t("legal.stage"),
        "cases": t("legal.count"),
        **{band: t(f"legal.{band}") for band, _, _ in AGE_BANDS},
        **AMOUNT_COLUMNS,
        "recovered_to_costs": st.column_config.NumberColumn(t("legal.recovered_to_costs"), format="percent"),
    },
)

CASE_CONFIG = {
    "open": st.column_config.LinkColumn("→", display_text="→"),
    "case_id": t("legal.case_id"),
    "loan_id": t("term.loan_id"),
    "stage": t("legal.stage"),
    "filed_on": t("legal.filed_on"),
    "age_days": t("legal.age_days"),
    "court": t("legal.court"),
    "case_number": t("legal.case_number"),
    "lawyer": t("legal.lawyer"),
    "agency_id": t("legal.agency_id"),
    "next_hearing_on": t("legal.next_hearing_on"),
    **AMOUNT_COLUMNS,
}


def _shown(cases: pd.DataFrame) -> pd.DataFrame:
    cases["stage"] = t_codes("legal.stage.", cases["stage"])
    cases["open"] = urls("loan", "loan_id", cases["loan_id"])
    return cases


st.subheader(t("legal.hearings"))
table(
    _shown(query(legal_cases, as_of=f.as_of, scope=f.scope, hearings_within_days=WEEK)),
    "legal_hearings",
    column_config=CASE_CONFIG,
)
st.subheader(t("legal.cases"))
table(_shown(query(legal_cases, as_of=f.as_of, scope=f.scope)), "legal_cases", column_config=CASE_CONFIG)

actor = current_actor()
if actor is None or not can(actor, "legal_case"):
    st.stop()

st.subheader(t("legal.form"))
loan_id = (
    st.query_params.get("loan_id") or st.text_input(t("legal.loan_id"), key="legal_loan", max_chars=40)
).strip()
if not loan_id:
    st.caption(t("legal.no_loan"))
    st.stop()
problem = forms.loan_problem(actor, loan_id)
if problem:
    st.error(problem, icon=":material/block:")
    st.stop()
with engine().connect() as conn:
    cases = loan_cases(conn, loan_id)
# Labels fixed now: AppTest calls format_func outside the run, when the language is not known.
labels = {
    NEW: t("legal.new_case"),
    **{c: f"{c} ({t(f'legal.stage.{s}')})" for c, s in zip(cases["case_id"], cases["stage"], strict=True)},
}
picked = st.selectbox(
    t("legal.which_case"),
    list(labels),
    format_func=labels.__getitem__,
    key=f"legal_case_{loan_id}",
)
before = None if picked == NEW else cases.set_index("case_id").loc[picked]
form = f"{FORM}_{loan_id}_{picked}"


def _value(name: str) -> object:
    if before is None:
        return None
    value = before[name]
    return None if pd.isna(value) else value


forms.notices(form)
with st.form(form, clear_on_submit=False):
    token = forms.token(form)
    stage_now = _value("stage")
    st.selectbox(
        t("legal.stage"),
        LEGAL_STAGES,
        index=LEGAL_STAGES.index(str(stage_now)) if stage_now else 0,
        format_func=option_names("legal.stage"),
        key=f"{form}_stage",
    )
    forms.field_error(form, "stage")
    left, right = st.columns(2)
    left.date_input(t("legal.filed_on"), value=_value("filed_on"), key=f"{form}_filed_on", **forms.ANY_DAY)
    with left:
        forms.field_error(form, "filed_on")
    right.date_input(
        t("legal.next_hearing_on"),
        value=_value("next_hearing_on"),
        key=f"{form}_next_hearing_on",
        **forms.ANY_DAY,
    )
    with right:
        forms.field_error(form, "next_hearing_on")
    left.text_input(t("legal.court"), value=_value("court") or "", key=f"{form}_court")
    right.text_input(t("legal.case_number"), value=_value("case_number") or "", key=f"{form}_case_number")
    for n, name in enumerate(("claimed", "awarded", "recovered", "costs")):
        column = (left, right)[n % 2]
        current_amount = _value(name)
        column.text_input(
            t(f"legal.{name}"),
            value="" if current_amount is None else str(current_amount),
            key=f"{form}_{name}",
        )
        with column:
            forms.field_error(form, name)
    left.text_input(t("legal.lawyer"), value=_value("lawyer") or "", key=f"{form}_lawyer")
    right.text_input(t("legal.agency_id"), value=_value("agency_id") or "", key=f"{form}_agency_id")
    with right:
        forms.field_error(form, "agency_id")
    st.text_area(t("legal.note"), value=_value("note") or "", key=f"{form}_note")
    forms.field_error(form, "note")
    st.text_input(t("legal.reason"), key=f"{form}_reason")
    forms.field_error(form, "reason")
    submitted = st.form_submit_button(t("legal.save"), type="primary")

if submitted:
    state = st.session_state
    posted = CaseForm(
        loan_id=loan_id,
        case_id=None if picked == NEW else picked,
        stage=state[f"{form}_stage"],
        filed_on=state[f"{form}_filed_on"],
        next_hearing_on=state[f"{form}_next_hearing_on"],
        court=state[f"{form}_court"],
        case_number=state[f"{form}_case_number"],
        claimed=state[f"{form}_claimed"],
        awarded=state[f"{form}_awarded"],
        recovered=state[f"{form}_recovered"],
        costs=state[f"{form}_costs"],
        lawyer=state[f"{form}_lawyer"],
        agency_id=state[f"{form}_agency_id"].strip() or None,
        note=state[f"{form}_note"],
        reason=state[f"{form}_reason"],
    )
    forms.outcome(form, lambda: save_case(engine(), actor, posted, token))

if before is not None:
    st.subheader(t("legal.timeline"))
    with engine().connect() as conn:
        timeline = case_timeline(conn, str(picked))
    timeline["from_stage"] = t_codes("legal.stage.", timeline["from_stage"])
    timeline["to_stage"] = t_codes("legal.stage.", timeline["to_stage"])
    st.dataframe(
        timeline,
        hide_index=True,
        column_config={
            "changed_on": t("legal.changed_on"),
            "from_stage": t("legal.from_stage"),
            "to_stage": t("legal.to_stage"),
            "reason": t("legal.reason"),
            "username": t("legal.username"),
        },
    )
