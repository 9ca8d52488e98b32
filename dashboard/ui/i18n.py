"""The terms of dashboard/i18n.py in the language chosen in the sidebar (the session's)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from dashboard.i18n import DEFAULT_LANGUAGE, translate


def language() -> str:
    return st.session_state.get("lang") or DEFAULT_LANGUAGE


def option_names(prefix: str) -> Callable[[str], str]:
    """A format_func for a widget's options, "{prefix}.{option}" in the language of this run: fixed now,
    because AppTest calls the function outside the run."""
    lang = language()
    return lambda value: translate(f"{prefix}.{value}", lang)


def t(key: str, /, **values: object) -> str:
    """The term in the language chosen in the sidebar."""
    return translate(key, language(), **values)


def t_codes(prefix: str, codes: Iterable[object]) -> list[str | None]:
    """t(prefix + code) for a column of codes, None where there is none. Each distinct code is translated
    once: a t() per row reads the language from the session each time, which a long table feels."""
    codes = list(codes)
    lang = language()
    words = {code: translate(f"{prefix}{code}", lang) for code in set(codes) if not _missing(code)}
    return [None if _missing(code) else words[code] for code in codes]


def _missing(code: object) -> bool:
    return code is None or code != code  # NaN is the one value unequal to itself
