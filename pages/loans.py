"""The loans behind a figure: the drill-down list, filtered by the global filters and the URL."""

import streamlit as st

from dashboard.kpi.portfolio import loans_at
from dashboard.ui.data import config, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.widgets import table

LIMIT = 5000

f = current()
bucket = st.query_params.get("bucket")
classification = st.query_params.get("classification")
agency = st.query_params.get("agency")
st.title(t("loans.title"))
if bucket or classification or agency:
    st.caption(t("loans.filtered_by", what=" · ".join(x for x in (bucket, classification, agency) if x)))
loans = query(
    loans_at,
    as_of=f.as_of,
    scope=f.scope,
    config=config(),
    bucket=bucket,
    classification=classification,
    agency_id=agency,
    limit=LIMIT + 1,
)
loans["classification"] = t_codes("class.", loans["classification"])
loans["open"] = urls("loan", "loan_id", loans["loan_id"])
table(
    loans.head(LIMIT),
    "loans",
    total=len(loans),
    column_config={
        "open": st.column_config.LinkColumn(t("loans.open"), display_text="→"),
        "outstanding_principal": st.column_config.NumberColumn(
            t("term.outstanding_principal"), format="accounting"
        ),
        "overdue_amount": st.column_config.NumberColumn(t("term.overdue_amount"), format="accounting"),
        "loan_id": t("term.loan_id"),
        "dpd": t("term.dpd"),
        "bucket": t("term.bucket"),
        "classification": t("term.class"),
    },
)
