"""Streamlit entry point (`streamlit run dashboard/app.py`): global filters, then the navigation.

It lives apart from pages/ on purpose: a pages/ folder beside the entry script is auto-discovered by
Streamlit, and a deep link would then run a page without the filters (and, later, without sign-in)."""

import streamlit as st

from dashboard.ui.filters import render_sidebar
from dashboard.ui.i18n import t
from dashboard.ui.pages import PAGES_DIR, available

st.set_page_config(page_title="postloan 贷后管理", page_icon="🏦", layout="wide")

render_sidebar()
navigation = st.navigation(
    [
        st.Page(
            PAGES_DIR / page.file,
            title=t(page.title_key),
            icon=page.icon,
            url_path=page.url_path,
            default=index == 0,
            visibility="hidden" if page.hidden else "visible",
        )
        for index, page in enumerate(available())
    ]
)
navigation.run()
