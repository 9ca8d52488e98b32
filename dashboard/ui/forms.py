"""What every data-entry form shares: its idempotency token, its field errors and its save notice.

The token lives in the URL (`?t_<form>=...`) as well as the session, so a resubmit after a browser reload
carries the same token and `saving.save` writes nothing twice. After a save the token stays until the
user asks to record another, which is when a new one is issued.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import uuid4

import streamlit as st

from dashboard.ui.i18n import language, option_names, t
from dashboard.ui.pages import PAGES_DIR
from dashboard.work.errors import FormInvalid, WorkError
from dashboard.work.saving import Saved


def _token_key(form: str) -> str:
    return f"t_{form}"


def token(form: str) -> str:
    key = _token_key(form)
    value = st.session_state.get(key) or st.query_params.get(key) or uuid4().hex
    st.session_state[key] = value
    st.query_params[key] = value
    return value


def rotate(form: str) -> None:
    """A fresh token, and the form's errors and notice cleared: the next submit is a new record."""
    value = uuid4().hex
    st.session_state[_token_key(form)] = value
    st.query_params[_token_key(form)] = value
    st.session_state.pop(f"_errors_{form}", None)
    st.session_state.pop(f"_saved_{form}", None)
    st.session_state.pop(f"_refused_{form}", None)


def field_error(form: str, field: str) -> None:
    """Call right below a field's widget: shows what is wrong with it after a refused submit."""
    text = st.session_state.get(f"_errors_{form}", {}).get(field)
    if text:
        st.error(text, icon=":material/error:")


def outcome(form: str, run: Callable[[], Saved]) -> None:
    """Run a save for a submitted form and remember how it went for the rerun that shows it.

    Field errors go next to their fields; a refusal of the whole save (scope, stale record) above the
    form; what the user typed stays in the widgets because their keys are unchanged.
    """
    st.session_state.pop(f"_errors_{form}", None)
    st.session_state.pop(f"_refused_{form}", None)
    try:
        saved = run()
    except FormInvalid as exc:
        st.session_state[f"_errors_{form}"] = exc.field_texts(language())
        st.session_state[f"_refused_{form}"] = exc.text(language())
    except WorkError as exc:
        st.session_state[f"_refused_{form}"] = exc.text(language())
    else:
        st.session_state[f"_saved_{form}"] = saved
    st.rerun()


def notices(form: str) -> Saved | None:
    """Call above the form: the refusal or the save of the last submit. Returns the save, if any."""
    refused = st.session_state.get(f"_refused_{form}")
    if refused:
        st.error(refused, icon=":material/block:")
    saved: Saved | None = st.session_state.get(f"_saved_{form}")
    if saved is not None:
        key = "work.duplicate" if saved.duplicate else "work.saved"
        st.success(t(key, key=saved.record_key), icon=":material/check_circle:")
        if st.button(t("work.another"), key=f"_another_{form}"):
            rotate(form)
            st.rerun()
    return saved


def no_loan_yet() -> None:
    """What a form shows before a loan is chosen: how to choose one, and the way to Find a loan."""
    st.caption(t("work.pick_loan"))
    st.page_link(PAGES_DIR / "find.py", label=t("page.find"), icon=":material/search:")


def choice(form: str, field: str, label: str, options: Sequence[str], names: str) -> None:
    """A selectbox with nothing chosen yet (so a forgotten choice is refused, not defaulted) and its
    field's message under it; the option labels are the terms "{names}.{option}"."""
    st.selectbox(
        label,
        options,
        index=None,
        placeholder=t("visit.choose"),
        format_func=option_names(names),
        key=f"{form}_{field}",
    )
    field_error(form, field)
