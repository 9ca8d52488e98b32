"""The global filters in the sidebar, mirrored in the URL's query string so a pasted link opens the same
view. Values in the URL are checked: an unknown branch or a malformed date is ignored, not fatal."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.kpi.scope import Scope
from dashboard.ui.data import choices, latest_date
from dashboard.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, language, t

SCOPE_FILTERS = ("branch", "product", "channel", "officer")


@dataclass(frozen=True)
class Filters:
    as_of: date
    scope: Scope
    language: str


def _from_url(options: dict[str, dict[str, str]]) -> None:
    """On a session's first run, take the filters from the URL."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    params = st.query_params
    if params.get("lang") in LANGUAGES:
        st.session_state["lang"] = params["lang"]
    with contextlib.suppress(ValueError):
        st.session_state["as_of"] = date.fromisoformat(params.get("as_of", ""))
    for name in SCOPE_FILTERS:
        if params.get(name) in options[name]:
            st.session_state[name] = params[name]


def _to_url() -> None:
    state = st.session_state
    wanted = {name: state[name] for name in SCOPE_FILTERS if state.get(name)}
    if state.get("lang") and state["lang"] != DEFAULT_LANGUAGE:
        wanted["lang"] = state["lang"]
    if state.get("as_of") and state["as_of"] != latest_date():
        wanted["as_of"] = state["as_of"].isoformat()
    for key in ("lang", "as_of", *SCOPE_FILTERS):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def render_sidebar() -> Filters:
    """Draw the filters (once per run, from the entry script) and return what they say."""
    options = choices()
    _from_url(options)
    with st.sidebar:
        st.selectbox("语言 / Language", list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="lang")
        st.header(t("filter.heading"))
        if "as_of" not in st.session_state:
            st.session_state["as_of"] = latest_date()
        st.date_input(t("filter.as_of"), key="as_of")
        for name in SCOPE_FILTERS:
            names = options[name]
            st.selectbox(
                t(f"filter.{name}"),
                [None, *names],
                format_func=lambda value, names=names: t("filter.all") if value is None else names[value],
                key=name,
            )
    _to_url()
    return current()


def current() -> Filters:
    state = st.session_state
    return Filters(
        as_of=state.get("as_of") or latest_date(),
        scope=Scope(
            branch_id=state.get("branch"),
            product_id=state.get("product"),
            channel_id=state.get("channel"),
            officer_id=state.get("officer"),
        ),
        language=language(),
    )
