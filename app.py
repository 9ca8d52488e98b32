"""Streamlit entry point: `streamlit run app.py`. Builds the navigation; pages live in pages/."""

import streamlit as st

st.set_page_config(page_title="postloan 贷后管理", page_icon="🏦", layout="wide")

navigation = st.navigation([st.Page("pages/home.py", title="Overview 概览", icon="🏠", default=True)])
navigation.run()
