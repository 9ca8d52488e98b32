"""Bulk upload (批量上传) of collection actions, visits or legal cases as CSV, checked like the core-banking
import and, row by row, by the rules of the form each record is otherwise entered with."""

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.auth.text import plain
from dashboard.importer import ExtractInvalid
from dashboard.importer.spec import SPECS
from dashboard.ui import forms
from dashboard.ui.data import config, engine
from dashboard.ui.i18n import language, option_names, t
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.bulk import kinds_for, preview, template_csv, upload, upload_token
from dashboard.work.errors import WorkError

FORM = "upload"

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()

st.title(t("page.upload"))
st.caption(t("upload.intro"))
# The kinds whose form the role may use; an agency's people are not staff records, and a visit names its
# staff member: agencies upload actions.
kinds = kinds_for(actor)
kind = st.selectbox(t("upload.kind"), kinds, format_func=option_names("upload.kind"), key=f"{FORM}_kind")
st.caption(t("upload.columns", columns=", ".join(SPECS[kind].names)))
st.download_button(
    t("upload.template"),
    template_csv(
        kind,
        today=clock.today(),
        note=t(f"upload.example.{kind}"),
        loan_id=t("upload.example_loan"),
        staff_id=actor.staff_id,
    ),
    file_name=f"{SPECS[kind].file_name.removesuffix('.csv')}_template.csv",
    mime="text/csv",
    icon=":material/download:",
    help=t("upload.template_help"),
    key=f"{FORM}_template",
)
if actor.role == "agency":
    st.caption(t("upload.agency_note"))
uploaded = st.file_uploader(t("upload.file"), type=["csv"], key=f"{FORM}_file")
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
st.subheader(t("upload.preview"))
st.dataframe(preview(data), hide_index=True)

token = upload_token(forms.token(FORM), kind, data)
outcome_key = f"_outcome_{token}"  # what happened to this very file, kept across reruns
if st.button(t("upload.submit"), type="primary", key=f"{FORM}_submit"):
    try:
        st.session_state[outcome_key] = upload(engine(), actor, kind, uploaded.name, data, token, config())
    except ExtractInvalid as exc:
        st.session_state[outcome_key] = exc.problems
    except WorkError as exc:
        st.session_state[outcome_key] = exc.text(language(), plain)

outcome = st.session_state.get(outcome_key)
if isinstance(outcome, str):
    st.error(outcome, icon=":material/block:")
elif isinstance(outcome, list):
    st.error(t("upload.problems", count=len(outcome)), icon=":material/error:")
    problems = pd.DataFrame(
        {
            "file": [p.file for p in outcome],
            "line": [p.line for p in outcome],
            "column": [p.column for p in outcome],
            "problem": [p.message for p in outcome],
        }
    )
    table(
        problems,
        f"{FORM}_problems",
        column_config={name: st.column_config.Column(t(f"upload.col.{name}")) for name in problems.columns},
    )
elif outcome is not None:
    if outcome.duplicate:
        st.info(t("upload.duplicate"), icon=":material/info:")
    else:
        what = ", ".join(f"{t(f'upload.kind.{name}')} {count}" for name, count in outcome.rows.items())
        st.success(
            t("upload.done", count=sum(outcome.rows.values()), what=what), icon=":material/check_circle:"
        )
