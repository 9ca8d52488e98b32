"""Drill-down links carry the filters: urls() builds the same links as url() for every value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import streamlit as st

from dashboard.ui.links import url, urls

VALUES = ["L000001", "贷款 1&x=2", "B2"]


FILTERS = ("lang", "as_of", "branch", "product", "channel", "officer")


@pytest.fixture(autouse=True)
def no_filters() -> Iterator[None]:
    for name in FILTERS:
        st.session_state.pop(name, None)
    yield
    for name in FILTERS:
        st.session_state.pop(name, None)


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"lang": "en", "as_of": date(2025, 3, 20)},
        {"lang": "zh", "branch": "B11", "product": "P1", "as_of": date(2025, 3, 20)},
    ],
)
@pytest.mark.parametrize("key", ["loan_id", "branch"])
def test_urls_equal_url_for_each_value(state: dict[str, object], key: str) -> None:
    for name, value in state.items():
        st.session_state[name] = value
    assert urls("loans", key, VALUES) == [url("loans", **{key: value}) for value in VALUES]
    assert urls("loans", key, []) == []
