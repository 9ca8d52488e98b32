"""Streamlit entry point (`streamlit run dashboard/app.py`): global filters, then the navigation.

It lives apart from pages/ on purpose: a pages/ folder beside the entry script is auto-discovered by
Streamlit, and a deep link would then run a page without the filters (and, later, without sign-in)."""

from pathlib import Path

import streamlit as st

from dashboard.ui.filters import render_sidebar
from dashboard.ui.i18n import t

PAGES = Path(__file__).resolve().parents[1] / "pages"

st.set_page_config(page_title="postloan 贷后管理", page_icon="🏦", layout="wide")

render_sidebar()
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True),
        st.Page(PAGES / "loans.py", title=t("page.loans"), icon=":material/list:", url_path="loans"),
        st.Page(
            PAGES / "loan.py",
            title=t("page.loan"),
            icon=":material/description:",
            url_path="loan",
            visibility="hidden",
        ),
    ]
)
navigation.run()
