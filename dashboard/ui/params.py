"""Values read from the URL's query string, checked before anything uses them.

A link can be edited, truncated or made up: a value that is not one the page offers gets a warning naming
the parameter (in the user's language, the value shown as plain text, never Markdown) and the page goes
on as if the parameter were absent. Nothing unchecked reaches the KPI engine.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import streamlit as st

from dashboard.auth.text import plain
from dashboard.ui.i18n import t

SHOWN_CHARS = 40  # a long junk value is cut in the message, not repeated in full
MAX_ID = 40  # db.models.base.Key: no id is longer


def shown(value: str) -> str:
    """The value as plain text for a Markdown-rendering call, cut to a readable length."""
    cut = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"
    return plain("".join(c if c.isprintable() else "?" for c in cut))


def bad_message(name: str, value: str) -> str:
    return t("param.bad", name=name, value=shown(value))


def warn_bad(name: str, value: str) -> None:
    st.warning(bad_message(name, value), icon=":material/link_off:")


def raw(name: str) -> str | None:
    """The parameter as given, None when absent or empty. A NUL character is refused here, for every
    parameter: no database stores it (PostgreSQL raises, SQLite truncates some reads)."""
    value = st.query_params.get(name)
    if value and "\x00" in value:
        warn_bad(name, value)
        return None
    return value if value else None


def choice(name: str, allowed: Collection[str]) -> str | None:
    """The parameter when it is one of `allowed`; otherwise a warning and None."""
    value = raw(name)
    if value is None or value in allowed:
        return value
    warn_bad(name, value)
    return None


def identifier(name: str) -> str | None:
    """An id from the URL (a loan, an issue): trimmed, printable and no longer than any key. Whether it
    exists and lies in the user's scope is the page's and the server's to check."""
    value = raw(name)
    if value is None:
        return None
    value = value.strip()
    if value and len(value) <= MAX_ID and value.isprintable():
        return value
    warn_bad(name, value)
    return None


# An as-of date outside this range is a typo, not a question (and near year 1 or 9999 the date arithmetic
# of the figures would overflow).
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def parse_date(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD) within EARLIEST..LATEST, else None."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if EARLIEST <= parsed <= LATEST and len(value) == 10 else None
