"""The signed-in user of this browser session, as the work functions see them.

Sign-in (issue 5) puts an Actor in st.session_state["actor"]; tests seed it the same way.
"""

from __future__ import annotations

import streamlit as st

from dashboard.actor import Actor

ACTOR_KEY = "actor"


def current_actor() -> Actor | None:
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None
