"""Find a loan by contract number, customer name or the last four characters of the ID number, and open it."""

import streamlit as st

from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import query
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.search import MAX_TEXT, search_loans, search_text

LIMIT = 50

st.title(t("page.find"))
actor = current_actor()
if actor is None:
    st.info(t("find.sign_in"))
    st.stop()

typed = st.text_input(t("find.text"), max_chars=MAX_TEXT, key="find_text") or ""
forms.refuse_nul(typed)
if not typed.strip():
    st.stop()
needle = search_text(typed)
if needle is None:
    st.info(t("find.too_short"))
    st.stop()

found = query(search_loans, actor, needle, limit=LIMIT + 1)
if found.empty:
    # st.info renders Markdown: the typed text goes in escaped, so it shows as typed.
    st.info(t("find.none", text=plain(needle)))
    st.stop()
if len(found) > LIMIT:
    st.caption(t("find.limited", limit=LIMIT))
found = found.head(LIMIT)
found.insert(0, "open", urls("loan", "loan_id", found["loan_id"]))
table(
    found,
    "find",
    column_config={name: t(f"find.col.{name}") for name in found.columns}
    | {
        "open": st.column_config.LinkColumn(t("find.col.open"), display_text="→"),
        "principal": st.column_config.NumberColumn(t("find.col.principal"), format="accounting"),
    },
)
