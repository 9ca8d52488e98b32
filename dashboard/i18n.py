"""One translation table for every label and term: English and simplified Chinese (zh-CN).

The table and translate() need no Streamlit, so error messages, the CLI and the review pack use them too;
dashboard/ui/i18n.py adds the language chosen in the sidebar. A missing key raises KeyError, so the tests
that render every page in both languages catch it.
"""

from __future__ import annotations

import importlib
import pkgutil

from dashboard import terms

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module in pkgutil.iter_modules(terms.__path__):
        page_terms = importlib.import_module(f"{terms.__name__}.{module.name}").TERMS
        clash = set(merged) & set(page_terms)
        if clash:
            raise ValueError(f"terms defined twice: {sorted(clash)}")
        merged.update(page_terms)
    return merged


TERMS = _load()


def translate(key: str, language: str, /, **values: object) -> str:
    english, chinese = TERMS[key]
    text = chinese if language == "zh" else english
    return text.format(**values) if values else text
