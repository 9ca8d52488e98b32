"""Loan card: terms, state at the as-of date, schedule with what was paid, and the loan's history."""

import pandas as pd
import streamlit as st

from dashboard.kpi.loan_card import loan_summary, schedule_with_payments, timeline
from dashboard.ui.data import config, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.widgets import money, table

SCHEDULE_COLUMNS = ("instalment_no", "due_on", "last_paid_on")
AMOUNTS = ("principal_due", "interest_due", "principal_paid", "interest_paid", "remaining")

f = current()
loan_id = st.text_input(t("loan.pick"), value=st.query_params.get("loan_id", ""), key="loan_id").strip()
if not loan_id:
    st.stop()
summary = query(loan_summary, loan_id, f.as_of, config())
if summary is None:
    st.warning(t("loan.not_found", loan_id=loan_id))
    st.stop()

st.title(t("loan.title", loan_id=loan_id))
facts = {
    t("loan.customer"): summary["customer"],
    t("loan.product"): summary["product"],
    t("filter.branch"): summary["branch"],
    t("loan.officer"): summary["officer"],
    t("loan.disbursed"): summary["disbursed_on"].isoformat(),
    t("loan.principal"): money(summary["principal"]),
}
st.dataframe(pd.DataFrame([facts]), hide_index=True)

st.subheader(t("loan.state", as_of=f.as_of))
if summary["active"]:
    state = st.columns(5)
    state[0].metric(t("term.dpd"), summary["dpd"], border=True)
    state[1].metric(t("term.bucket"), summary["bucket"], border=True)
    state[2].metric(t("term.class"), t(f"class.{summary['classification']}"), border=True)
    state[3].metric(t("term.outstanding_principal"), f"{summary['outstanding_principal']:,.2f}", border=True)
    state[4].metric(t("term.overdue_amount"), f"{summary['overdue_amount']:,.2f}", border=True)
else:
    st.info(t("loan.settled"))

st.subheader(t("loan.schedule"))
amount = st.column_config.NumberColumn(format="accounting")
table(
    query(schedule_with_payments, loan_id, f.as_of),
    f"schedule_{loan_id}",
    column_config={name: st.column_config.Column(t(f"schedule.{name}")) for name in SCHEDULE_COLUMNS}
    | {name: st.column_config.NumberColumn(t(f"schedule.{name}"), format="accounting") for name in AMOUNTS},
)
st.subheader(t("loan.timeline"))
table(
    query(timeline, loan_id, f.as_of),
    f"timeline_{loan_id}",
    column_config={
        name: st.column_config.TextColumn(t(f"timeline.{name}")) for name in ("date", "kind", "what")
    },
)
