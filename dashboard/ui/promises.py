"""The promises-to-pay section of the overdue page and the task list: the figures of dashboard.kpi.promises,
each list opening the loan's card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.kpi.promises import BROKEN_DAYS
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.widgets import table


def promises_section(due: pd.DataFrame, broken: pd.DataFrame, *, key: str, show_by: bool) -> None:
    st.subheader(t("ptp.heading"))
    left, right = st.columns(2)
    left.metric(t("ptp.due_today"), f"{len(due):,}", help=t("ptp.def_due"), border=True)
    right.metric(
        t("ptp.broken", days=BROKEN_DAYS),
        f"{len(broken):,}",
        help=t("ptp.def_broken", days=BROKEN_DAYS),
        border=True,
    )
    for frame, name in ((due, "due"), (broken, "broken")):
        if frame.empty:
            continue
        shown = frame if show_by else frame.drop(columns=["by"])
        shown = shown.copy()
        shown.insert(0, "open", urls("loan", "loan_id", shown["loan_id"]))
        with st.expander(t(f"ptp.list_{name}", count=f"{len(frame):,}")):
            table(
                shown,
                f"{key}_ptp_{name}",
                column_config={
                    "open": st.column_config.LinkColumn(t("overdue.open"), display_text="→"),
                    "loan_id": t("term.loan_id"),
                    "promised_on": st.column_config.DateColumn(t("ptp.col.promised_on")),
                    "ptp_on": st.column_config.DateColumn(t("ptp.col.ptp_on")),
                    "ptp_amount": st.column_config.NumberColumn(t("ptp.col.ptp_amount"), format="%,.2f"),
                    "paid": st.column_config.NumberColumn(t("ptp.col.paid"), format="%,.2f"),
                    "short": st.column_config.NumberColumn(t("ptp.col.short"), format="%,.2f"),
                    "by": t("ptp.col.by"),
                },
            )
