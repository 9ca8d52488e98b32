"""Audit log: every change, who made it, when, which record, the values before and after; filtered by user,
table, record and dates, with downloads. Only roles with "audit_read" see entries."""

import streamlit as st

from dashboard.ui import forms
from dashboard.ui.data import engine
from dashboard.ui.i18n import language, t
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.audit_query import audit_choices, audit_count, audit_entries, sign_in_count, sign_ins
from dashboard.work.audit_text import action_label, differences, record_label, table_label

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
lang = language()
table_names = {name: table_label(name, lang) for name in tables}
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
        format_func=lambda x: anything if x is None else table_names[x],
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
# Each entry in words: the table, the action and the record named in the reader's language, and what changed
# as "field: old → new" lines; the JSON before and after stays in the downloads. Values typed by users in
# part: shown as text cells, never rendered.
readable = entries.copy()
readable.insert(
    len(readable.columns) - 2,
    "changes",
    [
        differences(before, after, lang, table=name, record=record)
        for before, after, name, record in zip(
            entries["before"], entries["after"], entries["table"], entries["record"], strict=True
        )
    ],
)
readable["record"] = [
    record_label(name, record, lang) for name, record in zip(entries["table"], entries["record"], strict=True)
]
readable["action"] = [action_label(action, lang) for action in entries["action"]]
readable["table"] = [table_label(name, lang) for name in entries["table"]]
table(
    readable,
    "audit_log",
    column_config={
        name: st.column_config.TextColumn(t(f"audit.col.{name}"))
        for name in ("username", "action", "table", "record", "changes", "before", "after")
    }
    | {
        "at": st.column_config.DatetimeColumn(t("audit.col.at"), format="YYYY-MM-DD HH:mm:ss"),
        "before": None,  # in the downloads only
        "after": None,
    },
    total=total,
)

st.subheader(t("audit.sign_ins"))
st.caption(t("audit.sign_ins_intro"))
sign_in_filters = {key: filters[key] for key in ("username", "since", "until")}
with engine().connect() as conn:
    attempts = sign_ins(conn, actor, **sign_in_filters, limit=LIMIT)
    attempts_total = sign_in_count(conn, actor, **sign_in_filters)
shown_attempts = attempts.rename(columns={"success": "outcome"})
shown_attempts["outcome"] = [
    t("audit.sign_in.success" if ok else "audit.sign_in.failure") for ok in attempts["success"]
]
shown_attempts["method"] = [t(f"audit.sign_in.method.{method}") for method in attempts["method"]]
table(
    shown_attempts,
    "sign_ins",
    column_config={
        "at": st.column_config.DatetimeColumn(t("audit.sign_in.col.at"), format="YYYY-MM-DD HH:mm:ss"),
        "username": st.column_config.TextColumn(t("audit.sign_in.col.username")),
        "outcome": t("audit.sign_in.col.outcome"),
        "method": t("audit.sign_in.col.method"),
        "client": st.column_config.TextColumn(t("audit.sign_in.col.client")),
    },
    total=attempts_total,
)
