"""The loans behind a figure: the drill-down list, filtered by the global filters and the URL."""

from collections.abc import Iterator
from typing import Any

import streamlit as st

from dashboard.kpi.portfolio import LOAN_COLUMNS, agency_ids, iter_loans_at, loans_at, loans_total
from dashboard.ui.data import config, engine, query, version
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.params import choice, shown
from dashboard.ui.widgets import LIST_ROWS, complete_downloads, money, table
from db.models.enums import BUCKETS, CLASSES

f = current()
cfg = config()
# Every value from the link is checked before it reaches a query; a bad one is named and ignored.
bucket = choice("bucket", BUCKETS)
classification = choice("classification", CLASSES)
agency = choice("agency", query(agency_ids))
st.title(t("loans.title"))
if bucket or classification or agency:
    what = " · ".join(shown(x) for x in (bucket, classification, agency) if x)
    st.caption(t("loans.filtered_by", what=what))
which = {"bucket": bucket, "classification": classification, "agency_id": agency}
total = query(loans_total, as_of=f.as_of, scope=f.scope, config=cfg, **which)
count_tile, balance_tile = st.columns(2, width=560)
count_tile.metric(t("term.loans"), f"{total.loans:,}", border=True)
balance_tile.metric(t("term.balance"), money(total.balance), border=True)
loans = query(loans_at, as_of=f.as_of, scope=f.scope, config=cfg, **which, limit=LIST_ROWS)
loans["classification"] = t_codes("class.", loans["classification"])
loans["open"] = urls("loan", "loan_id", loans["loan_id"])
table(
    loans,
    "loans",
    total=total.loans,
    # Shown all: the downloads of the table are the whole list. Shown in part: built from the query.
    downloads=total.loans <= len(loans),
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


def _rows() -> Iterator[list[tuple[Any, ...]]]:
    class_names = {c: t(f"class.{c}") for c in CLASSES}
    with engine().connect() as conn:
        for batch in iter_loans_at(conn, as_of=f.as_of, scope=f.scope, config=cfg, **which):
            yield [(*row[:3], class_names[row[3]], *row[4:]) for row in batch]


if total.loans > len(loans):
    complete_downloads(
        "loans",
        total.loans,
        (version(), f.as_of, f.scope, cfg, tuple(which.items()), f.language),
        LOAN_COLUMNS,
        _rows,
    )
