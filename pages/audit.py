"""Audit log: every change, who made it, when, which record, the values before and after; filtered by user,
table, record and dates, with downloads. Only roles with "audit_read" see entries."""

import streamlit as st

from dashboard.ui import forms
from dashboard.ui.data import engine
from dashboard.ui.i18n import t
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.audit_query import COLUMNS, audit_choices, audit_count, audit_entries

LIMIT = 500

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.audit"))
if not can(actor, "audit_read"):
    st.error(t("audit.refused"))
    st.stop()
st.caption(t("audit.intro"))

# Read without the data-version cache: some audit rows (sign-in failures, unmasking) are written without
# bumping the data version, and an auditor must see them at once.
with engine().connect() as conn:
    users, tables = audit_choices(conn, actor)
anything = t("audit.any")  # not t() inside format_func: AppTest calls it outside the script run
columns = st.columns(5)
filters = {
    "username": columns[0].selectbox(
        t("audit.user"),
        [None, *users],
        format_func=lambda x: anything if x is None else x,
        key="audit_user",
    ),
    "table": columns[1].selectbox(
        t("audit.table"),
        [None, *tables],
        format_func=lambda x: anything if x is None else x,
        key="audit_table",
    ),
    "record_key": columns[2].text_input(t("audit.record"), key="audit_record").strip() or None,
    "since": columns[3].date_input(t("audit.since"), value=None, key="audit_since"),
    "until": columns[4].date_input(t("audit.until"), value=None, key="audit_until"),
}
forms.refuse_nul(filters["record_key"] or "")
with engine().connect() as conn:
    entries = audit_entries(conn, actor, **filters, limit=LIMIT)
    total = audit_count(conn, actor, **filters)
# JSON of the values before and after, typed by users in part: shown as text cells, never rendered.
table(
    entries,
    "audit_log",
    column_config={name: st.column_config.TextColumn(t(f"audit.col.{name}")) for name in COLUMNS}
    | {"at": st.column_config.DatetimeColumn(t("audit.col.at"), format="YYYY-MM-DD HH:mm:ss")},
    total=total,
)
