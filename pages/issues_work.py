"""Issues (DOMAIN rule 8): my issues and all issues in my scope, past-deadline first, and for one issue the
actions my role may take: assign, mark reported, resolve, reopen.

The panel works on the issue as it was when the panel was first shown (kept in the session), so a save
names the version the user saw; if someone else saved in between, the save is refused, not merged.
"""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import engine, query
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import url, urls
from dashboard.ui.params import identifier
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.ui.workdays import calendar_notice
from dashboard.work.access import can
from dashboard.work.issues import (
    STATES,
    assign,
    assignable_staff,
    issue_detail,
    issue_list,
    mark_reported,
    reopen,
    resolve,
)
from dashboard.work.saving import Saved

PICK = "issues_pick"
DONE = "_issues_done"
SHOWN = ("issue_id", "loan_id", "severity", "raised_on", "report_deadline", "reported_on")
SHOWN_AFTER = (
    "days_past_deadline",
    "past_deadline",
    "repeated",
    "found_on",
    "assignee",
    "description",
    "resolved_on",
    "resolution",
)

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
# A work list is about now, not the dashboards' as-of date: what was entered today shows at once.
today = clock.today()

st.title(t("page.issues_work"))
calendar_notice()
done = st.session_state.pop(DONE, None)
if done:
    action, issue_id, duplicate = done
    st.success(t("issue.done.duplicate") if duplicate else t(f"issue.done.{action}", issue_id=issue_id))


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame[[*SHOWN, *SHOWN_AFTER]].copy()
    shown.insert(2, "open", urls("loan", "loan_id", shown["loan_id"]))
    shown["severity"] = t_codes("issue.severity.", shown["severity"])
    shown["found_on"] = t_codes("issue.found_on.", shown["found_on"])
    return shown


COLUMNS: dict[str, Any] = {
    name: st.column_config.Column(t(f"issue.col.{name}")) for name in (*SHOWN, *SHOWN_AFTER)
} | {
    "open": st.column_config.LinkColumn(t("issue.col.open"), display_text="→"),
    "past_deadline": st.column_config.CheckboxColumn(t("issue.col.past_deadline")),
    "repeated": st.column_config.CheckboxColumn(t("issue.col.repeated")),
    "days_past_deadline": st.column_config.NumberColumn(t("issue.col.days_past_deadline"), format="%d"),
}

# Labels are worked out here, not inside format_func: AppTest calls format_func outside the script run.
state_names = {s: t(f"issue.state.{s}") for s in STATES}
state = st.radio(
    t("issue.state"), STATES, format_func=state_names.__getitem__, horizontal=True, key="issues_state"
)
st.caption(t("issue.order"))
everything = query(issue_list, actor, today, state=state)
mine_tab, all_tab = st.tabs([t("issue.tab_mine"), t("issue.tab_all")])
with mine_tab:
    # A branch manager's list has every major issue of the branch at once (seed 004 六(二)3).
    majors = actor.role == "manager"
    if actor.staff_id or majors:
        table(
            readable(query(issue_list, actor, today, person=actor.staff_id, state=state, majors=majors)),
            "issues_mine",
            column_config=COLUMNS,
        )
    else:
        st.info(t("issue.no_staff"))
with all_tab:
    table(readable(everything), "issues_all", column_config=COLUMNS)

# The issue to work on: from the list, or from a link (?issue_id=); kept even when a save moves it out
# of the list shown (a resolved issue leaves the open list).
labels = {
    row.issue_id: f"{row.issue_id} · {row.loan_id} · {t(f'issue.severity.{row.severity}')} · {row.raised_on}"
    for row in everything.itertuples()
}
if PICK not in st.session_state and (linked := identifier("issue_id")):
    st.session_state[PICK] = linked
options: list[str | None] = [None, *labels]
if st.session_state.get(PICK) and st.session_state[PICK] not in labels:
    options.append(st.session_state[PICK])
none_label = t("issue.pick_none")
picked = st.selectbox(
    t("issue.pick"), options, format_func=lambda x: none_label if x is None else labels.get(x, x), key=PICK
)
if not picked:
    st.stop()


def _seen_key(issue_id: str) -> str:
    return f"_issue_seen_{issue_id}"


def _after(action: str, issue_id: str, call: Callable[[], Saved]) -> Callable[[], Saved]:
    """Run a save; when it goes through, forget the panel's copy so the next run reads the new version."""

    def run() -> Saved:
        saved = call()
        st.session_state.pop(_seen_key(issue_id), None)
        st.session_state[DONE] = (action, issue_id, saved.duplicate)
        return saved

    return run


def _tidy_tokens(keep: set[str]) -> None:
    """Forms are named per issue version; drop the URL tokens of forms no longer on the page."""
    for key in list(st.query_params):
        if key.startswith("t_issue_") and key[2:] not in keep:
            del st.query_params[key]


def panel(actor: Actor, issue_id: str) -> None:
    seen_key = _seen_key(issue_id)
    if st.session_state.get("_issues_panel_of") != issue_id:  # newly picked: read it now
        st.session_state.pop(seen_key, None)
        st.session_state["_issues_panel_of"] = issue_id
    if seen_key not in st.session_state:
        with engine().connect() as conn:
            st.session_state[seen_key] = issue_detail(conn, actor, issue_id)
    issue: dict[str, Any] | None = st.session_state[seen_key]
    if issue is None:
        st.session_state.pop(seen_key, None)
        st.warning(t("issue.err.not_found", issue_id=plain(issue_id)))
        return
    version = issue["version"]
    st.subheader(t("issue.panel", issue_id=plain(issue_id), loan_id=plain(issue["loan_id"])))
    facts = {
        "open": url("loan", loan_id=issue["loan_id"]),
        "severity": t(f"issue.severity.{issue['severity']}"),
        "raised_on": issue["raised_on"],
        "report_deadline": issue["report_deadline"] if issue["severity"] != "general" else None,
        "reported_on": issue["reported_on"],
        "assignee": issue["assignee"],
        "resolved_on": issue["resolved_on"],
        "version": version,
    }
    st.dataframe(pd.DataFrame([facts]), hide_index=True, column_config=COLUMNS)
    # Typed by users: shown as plain text, never as Markdown.
    st.caption(t("issue.col.description"))
    st.text(issue["description"])
    if issue["resolution"]:
        st.caption(t("issue.col.resolution"))
        st.text(issue["resolution"])
    st.caption(t("issue.seen", version=version))
    if st.button(t("issue.reload"), key=f"issue_reload_{issue_id}"):
        st.session_state.pop(seen_key, None)
        st.rerun()

    edit, resolve_ok = can(actor, "issue_edit"), can(actor, "issue_resolve")
    if not (edit or resolve_ok):
        st.info(t("issue.read_only"))
        return
    is_open = issue["resolved_on"] is None
    names = {
        action: f"issue_{action}_{issue_id}_v{version}"
        for action in ("assign", "report", "resolve", "reopen")
    }
    shown: set[str] = set()
    if edit and is_open:
        shown.add(names["assign"])
        assign_form(actor, issue, names["assign"])
        if issue["reported_on"] is None:
            shown.add(names["report"])
            report_form(actor, issue, names["report"])
    if resolve_ok and is_open:
        shown.add(names["resolve"])
        resolve_form(actor, issue, names["resolve"])
    if edit and not is_open:
        shown.add(names["reopen"])
        reopen_form(actor, issue, names["reopen"])
    if not shown:
        st.info(t("issue.nothing_to_do"))
    _tidy_tokens(shown)


def assign_form(actor: Actor, issue: dict[str, Any], name: str) -> None:
    staff = query(assignable_staff, actor, today)
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        st.markdown(f"**{t('issue.assign')}**")
        token = forms.token(name)
        current = issue["assigned_to"]
        choice = st.selectbox(
            t("issue.assign.staff"),
            [None, *staff],
            index=[None, *staff].index(current) if current in staff else 0,
            format_func=lambda x: "—" if x is None else staff[x],
            key=f"{name}_staff",
        )
        forms.field_error(name, "staff_id")
        if st.form_submit_button(t("issue.assign"), key=f"{name}_submit"):
            forms.outcome(
                name,
                _after(
                    "assign",
                    issue["issue_id"],
                    lambda: assign(engine(), actor, issue["issue_id"], issue["version"], choice or "", token),
                ),
            )


def report_form(actor: Actor, issue: dict[str, Any], name: str) -> None:
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        st.markdown(f"**{t('issue.report')}**")
        token = forms.token(name)
        reported_on = st.date_input(
            t("issue.report.reported_on"), value=today, key=f"{name}_reported_on", **forms.ANY_DAY
        )
        forms.field_error(name, "reported_on")
        if st.form_submit_button(t("issue.report"), key=f"{name}_submit"):
            forms.outcome(
                name,
                _after(
                    "report",
                    issue["issue_id"],
                    lambda: mark_reported(
                        engine(), actor, issue["issue_id"], issue["version"], reported_on, token
                    ),
                ),
            )


def resolve_form(actor: Actor, issue: dict[str, Any], name: str) -> None:
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        st.markdown(f"**{t('issue.resolve')}**")
        token = forms.token(name)
        resolved_on = st.date_input(
            t("issue.resolve.resolved_on"), value=today, key=f"{name}_resolved_on", **forms.ANY_DAY
        )
        forms.field_error(name, "resolved_on")
        note = st.text_area(t("issue.resolve.resolution"), key=f"{name}_resolution")
        forms.field_error(name, "resolution")
        if st.form_submit_button(t("issue.resolve"), key=f"{name}_submit"):
            forms.outcome(
                name,
                _after(
                    "resolve",
                    issue["issue_id"],
                    lambda: resolve(
                        engine(), actor, issue["issue_id"], issue["version"], resolved_on, note, token
                    ),
                ),
            )


def reopen_form(actor: Actor, issue: dict[str, Any], name: str) -> None:
    forms.notices(name)
    with st.form(name, clear_on_submit=False):
        st.markdown(f"**{t('issue.reopen')}**")
        token = forms.token(name)
        reason = st.text_area(t("issue.reopen.reason"), key=f"{name}_reason")
        forms.field_error(name, "reason")
        if st.form_submit_button(t("issue.reopen"), key=f"{name}_submit"):
            forms.outcome(
                name,
                _after(
                    "reopen",
                    issue["issue_id"],
                    lambda: reopen(engine(), actor, issue["issue_id"], issue["version"], reason, token),
                ),
            )


panel(actor, picked)
