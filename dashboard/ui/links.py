"""Links that carry the global filters along, for drilling down from a figure to loans and to a loan."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote_plus, urlencode

import streamlit as st

from dashboard.ui.filters import SCOPE_FILTERS


def filter_params() -> dict[str, str]:
    params = {name: st.session_state[name] for name in (*SCOPE_FILTERS, "lang") if st.session_state.get(name)}
    if st.session_state.get("as_of"):
        params["as_of"] = st.session_state["as_of"].isoformat()
    return params


def url(page: str, **extra: str) -> str:
    return f"{page}?{urlencode(filter_params() | extra)}"


def urls(page: str, key: str, values: Iterable[str]) -> list[str]:
    """url(page, key=value) for every value, reading and encoding the filters once: per row, the session
    state reads and encoding the filters again cost more than the links, and the weekly review makes tens of
    thousands of them on a large book."""
    params = filter_params()
    if key in params:  # the value takes the filter's place in the query string
        return [f"{page}?{urlencode(params | {key: value})}" for value in values]
    prefix = f"{page}?{urlencode(params)}&{key}=" if params else f"{page}?{key}="
    return [prefix + quote_plus(str(value)) for value in values]
