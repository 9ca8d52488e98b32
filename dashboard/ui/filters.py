"""The global filters in the sidebar, mirrored in the URL's query string so a pasted link opens the same
view. Values in the URL are checked: an unknown branch or a malformed date is ignored, not fatal, and the
page says which parameter was ignored.

The filters offer only what the signed-in user may see (the branches of their subtree; an officer only
themselves; an agency neither the lender's branches nor its officers), and the Scope they make carries the
user, so the server restricts every query whatever the URL says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy import select

from dashboard.actor import Actor
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.kpi.scope import Scope
from dashboard.ui.data import as_of_bounds, choices, data_date, engine, latest_date, version
from dashboard.ui.i18n import language, t
from dashboard.ui.params import parse_date, warn_bad
from dashboard.ui.session import current_actor
from dashboard.work.external import INTERNAL_FILTERS, sees_internal
from db.models import Branch, Staff

SCOPE_FILTERS = ("branch", "product", "channel", "officer")
URL_NOTICES = "_url_notices"  # the link's filter values that were ignored, and the filters they left


@dataclass(frozen=True)
class Filters:
    as_of: date
    scope: Scope
    language: str


def _from_url(options: dict[str, dict[str, str]]) -> None:
    """On a session's first run, take the filters from the URL."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    params = st.query_params
    bad: list[tuple[str, str]] = []
    if params.get("lang") in LANGUAGES:
        st.session_state["lang"] = params["lang"]
    elif params.get("lang"):
        bad.append(("lang", params["lang"]))
    if params.get("as_of"):
        as_of = parse_date(params["as_of"])
        bounds = as_of_bounds()
        if as_of is None or (bounds is not None and not bounds[0] <= as_of <= bounds[1]):
            bad.append(("as_of", params["as_of"]))
        else:
            st.session_state["as_of"] = as_of
    for name in SCOPE_FILTERS:
        if params.get(name) in options[name]:
            st.session_state[name] = params[name]
        elif params.get(name):  # unknown, or outside what this user may see
            bad.append((name, params[name]))
    if bad:
        st.session_state[URL_NOTICES] = (bad, None)


def _url_notices() -> None:
    """Say which of the link's filter values were ignored, until the user picks filters of their own."""
    notices = st.session_state.get(URL_NOTICES)
    if not notices:
        return
    bad, seen = notices
    now = tuple(st.session_state.get(key) for key in ("lang", "as_of", *SCOPE_FILTERS))
    if seen is not None and now != seen:
        del st.session_state[URL_NOTICES]
        return
    st.session_state[URL_NOTICES] = (bad, now)
    for name, value in bad:
        warn_bad(name, value)


def _to_url() -> None:
    state = st.session_state
    wanted = {name: state[name] for name in SCOPE_FILTERS if state.get(name)}
    if state.get("lang") and state["lang"] != DEFAULT_LANGUAGE:
        wanted["lang"] = state["lang"]
    if state.get("as_of") and state["as_of"] != latest_date():
        wanted["as_of"] = state["as_of"].isoformat()
    for key in ("lang", "as_of", *SCOPE_FILTERS):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


@st.cache_data(ttl=3600, show_spinner=False)
def _tree(data: int) -> tuple[dict[str, str | None], dict[str, str]]:
    """branch -> its parent, and account officer -> their branch."""
    with engine().connect() as conn:
        parents = {b: p for b, p in conn.execute(select(Branch.branch_id, Branch.parent_id))}
        officers = {
            s: b
            for s, b in conn.execute(
                select(Staff.staff_id, Staff.branch_id).where(Staff.role == "account_officer")
            )
        }
    return parents, officers


def _subtree(parents: dict[str, str | None], root: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for branch, parent in parents.items():
        children.setdefault(parent, []).append(branch)
    found, todo = set(), [root]
    while todo:
        branch = todo.pop()
        if branch not in found:
            found.add(branch)
            todo.extend(children.get(branch, []))
    return found


def allowed_choices(actor: Actor | None) -> dict[str, dict[str, str]]:
    """The filter values this user may pick: their branch subtree and its officers; an officer: only
    themselves."""
    options = dict(choices())
    if actor is None:
        return options
    parents, officer_branch = _tree(version())
    if actor.branch_id:
        keep = _subtree(parents, actor.branch_id)
        options["branch"] = {k: v for k, v in options["branch"].items() if k in keep}
        options["officer"] = {k: v for k, v in options["officer"].items() if officer_branch.get(k) in keep}
    if actor.role == "officer":
        options["officer"] = {k: v for k, v in options["officer"].items() if k == actor.staff_id}
    if not sees_internal(actor):
        options.update({name: {} for name in INTERNAL_FILTERS})
    return options


def _offered(actor: Actor | None, name: str) -> bool:
    """Whether the sidebar shows this filter to this user at all."""
    return sees_internal(actor) or name not in INTERNAL_FILTERS


def _fixed(actor: Actor | None, name: str) -> bool:
    """An officer's officer filter is themselves, with no "all" to pick."""
    return name == "officer" and actor is not None and actor.role == "officer"


def render_sidebar(actor: Actor | None = None, *, filters: bool = True) -> Filters:
    """Draw the language choice and the filters (once per run, from the entry script) and return what the
    filters say. filters=False: the language only, for a user none of whose pages reads the filters."""
    options = allowed_choices(actor)
    _from_url(options)
    for name in SCOPE_FILTERS:
        # A value this user may not pick (a stale URL, a link from someone else) falls back to "all".
        value = st.session_state.get(name)
        if _fixed(actor, name):
            if value not in options[name]:
                st.session_state[name] = next(iter(options[name]), None)
        elif value is not None and value not in options[name]:
            st.session_state[name] = None
    with st.sidebar:
        st.selectbox("语言 / Language", list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="lang")
        if not filters:
            _to_url()
            _url_notices()
            return _selected()
        st.header(t("filter.heading"))
        bounds = as_of_bounds()
        seen = st.session_state.get("as_of")
        if seen is None or (bounds is not None and not bounds[0] <= seen <= bounds[1]):
            st.session_state["as_of"] = latest_date()
        # The date picker offers only the data's range (the first disbursement to the data date or today).
        limits = {"min_value": bounds[0], "max_value": bounds[1]} if bounds else {}
        st.date_input(t("filter.as_of"), key="as_of", **limits)
        if (loaded := data_date()) is not None:
            st.caption(t("filter.data_date", data_date=loaded))
        for name in SCOPE_FILTERS:
            if not _offered(actor, name):
                continue
            names = options[name]
            st.selectbox(
                t(f"filter.{name}"),
                list(names) if _fixed(actor, name) else [None, *names],
                format_func=lambda value, names=names: t("filter.all") if value is None else names[value],
                key=name,
            )
    _to_url()
    _url_notices()
    return _selected()


def current() -> Filters:
    """The filters a page reads, with a warning on the page when its as-of date is after the data date:
    figures for a day whose repayments are not loaded yet would show paid loans as overdue."""
    selected = _selected()
    loaded = data_date()
    if loaded is not None and selected.as_of > loaded:
        st.warning(
            t("filter.after_data_date", as_of=selected.as_of, data_date=loaded), icon=":material/warning:"
        )
    return selected


def _selected() -> Filters:
    state = st.session_state
    return Filters(
        as_of=state.get("as_of") or latest_date(),
        scope=Scope(
            branch_id=state.get("branch"),
            product_id=state.get("product"),
            channel_id=state.get("channel"),
            officer_id=state.get("officer"),
            actor=current_actor(),
        ),
        language=language(),
    )
