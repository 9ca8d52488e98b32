"""The pages' notice that the working-day calendar does not cover the next 30 days (issue 17)."""

from __future__ import annotations

import streamlit as st

from dashboard import clock
from dashboard.ui.data import engine, version
from dashboard.ui.i18n import t
from dashboard.workdays import WARN_DAYS, calendar_gap


@st.cache_data(ttl=3600, show_spinner=False)
def _missing(data: int, today: str) -> int:
    with engine().connect() as conn:
        return calendar_gap(conn, clock.today())


def calendar_notice() -> None:
    """A warning on pages with working-day deadlines when any of the next 30 days has no calendar entry:
    their deadlines then count Monday to Friday only, wrong around Spring Festival and National Day."""
    missing = _missing(version(), clock.today().isoformat())
    if missing:
        st.warning(t("calendar.gap", missing=missing, days=WARN_DAYS), icon=":material/event_busy:")
