"""t_codes: a column of codes in the chosen language, each as t() gives it, None where there is none."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
import streamlit as st

from dashboard.ui.i18n import t, t_codes


@pytest.fixture(autouse=True)
def no_language() -> Iterator[None]:
    st.session_state.pop("lang", None)
    yield
    st.session_state.pop("lang", None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_t_codes_equals_t_per_code_and_keeps_the_gaps(lang: str) -> None:
    st.session_state["lang"] = lang
    codes = pd.Series(["loss", None, "normal", float("nan"), "loss"], dtype=object)
    assert t_codes("class.", codes) == [t("class.loss"), None, t("class.normal"), None, t("class.loss")]


def test_an_unknown_code_raises_as_t_does() -> None:
    with pytest.raises(KeyError):
        t_codes("class.", ["no-such-class"])
