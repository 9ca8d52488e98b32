"""What every data-entry form shares: its idempotency token, its field errors and its save notice.

The token lives in the session only, under the signed-in user and the form's name, never in the URL: a
link that is shared, bookmarked or opened in a second tab must not carry one user's submission to another
(issue 14 item 5), and the server matches the token with the user too (`saving.save`). A double click or a
rerun submits the same token and writes once. After a save the token stays until the user asks to record
another, which is when a new one is issued.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import uuid4

import streamlit as st

from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui.data import engine
from dashboard.ui.i18n import language, option_names, t
from dashboard.ui.pages import PAGES_DIR
from dashboard.ui.session import current_actor
from dashboard.work.access import loan_in_scope
from dashboard.work.errors import FormInvalid, WorkError
from dashboard.work.saving import Saved
from db.engine import NulInText
from db.models.base import Key

LOAN_ID_MAX: int = Key.length or 40  # the loans table's key

# The bounds of every date a form takes: wide enough that Streamlit never refuses a date itself, the save
# does, with the field's message (issue 14 item 2). Outside a widget's bounds the browser keeps the previous
# value (the field turns red but the old date is submitted) and the server side resets the value to the
# widget's default, so a visit dated 2027-01-15 was saved as today.
ANY_DAY: dict[str, date] = {"min_value": date.min, "max_value": date.max}


def _token_key(form: str) -> str:
    actor = current_actor()
    return f"_token_{actor.username if actor else ''}_{form}"


def token(form: str) -> str:
    """The token of this form as rendered for the signed-in user in this session."""
    key = _token_key(form)
    value = st.session_state.get(key) or uuid4().hex
    st.session_state[key] = value
    if f"t_{form}" in st.query_params:  # a link from before tokens left the URL: drop the stale one
        del st.query_params[f"t_{form}"]
    return value


def rotate(form: str) -> None:
    """A fresh token, and the form's errors and notice cleared: the next submit is a new record."""
    st.session_state[_token_key(form)] = uuid4().hex
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
    nul = nul_fields(form)
    if nul:
        st.session_state[f"_errors_{form}"] = {field: t("work.err.nul") for field in nul}
        st.session_state[f"_refused_{form}"] = t("work.err.form_invalid", count=len(nul))
        st.rerun()
    try:
        saved = run()
    except NulInText:  # a text the form does not name reached the database: refused there too
        st.session_state[f"_refused_{form}"] = t("work.err.nul")
    except FormInvalid as exc:
        # Values in the messages are what was typed: escaped, as st.error renders Markdown.
        st.session_state[f"_errors_{form}"] = exc.field_texts(language(), plain)
        st.session_state[f"_refused_{form}"] = exc.text(language(), plain)
    except WorkError as exc:
        st.session_state[f"_refused_{form}"] = exc.text(language(), plain)
    else:
        st.session_state[f"_saved_{form}"] = saved
    st.rerun()


def nul_fields(form: str) -> list[str]:
    """The form's text fields (widget keys "{form}_{field}") holding a NUL character."""
    prefix = f"{form}_"
    return [
        key[len(prefix) :]
        for key, value in st.session_state.items()
        if isinstance(key, str) and key.startswith(prefix) and isinstance(value, str) and "\x00" in value
    ]


def refuse_nul(text: str) -> None:
    """For a text input outside a form (a search, a filter): a NUL character is a message, and the page
    stops there."""
    if "\x00" in text:
        st.error(t("work.err.nul"), icon=":material/error:")
        st.stop()


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


def loan_problem(actor: Actor, loan_id: str) -> str | None:
    """What is wrong with a loan id from the URL (or typed) for this user, as Markdown-safe text, if anything.

    The id is checked before it reaches the database (an overlong or control-character id is a message,
    not a driver error) and shown escaped, never as Markdown. A loan outside the scope is said the same way
    as one that does not exist, so probing ids tells nothing.
    """
    if len(loan_id) > LOAN_ID_MAX or not loan_id.isprintable():
        shown = loan_id[:LOAN_ID_MAX] + ("…" if len(loan_id) > LOAN_ID_MAX else "")
        shown = "".join(c if c.isprintable() else "?" for c in shown)
        return t("work.err.bad_loan_id", loan_id=plain(shown), max=LOAN_ID_MAX)
    with engine().connect() as conn:
        in_scope = loan_in_scope(conn, actor, loan_id)
    return None if in_scope else t("work.err.loan_out_of_scope", loan_id=plain(loan_id))


def loan_id_or_stop(actor: Actor, loan_id: str) -> None:
    """Stop the page with loan_problem's message, if there is one."""
    problem = loan_problem(actor, loan_id)
    if problem:
        st.error(problem, icon=":material/block:")
        st.stop()


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
