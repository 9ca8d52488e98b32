"""The allocation panels (issue 16): on the overdue list, act on many selected loans at once or accept the
rules' proposals; on the Staff page, hand a departed person's loans to a successor. Each submit is one
action through dashboard.work.saving.save (one transaction, audit rows, the form token); the checks run on
the server (dashboard.work.allocation), a refusal is shown above the form and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.allocation import agency_choices, proposals, staff_choices
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import handover_queue
from dashboard.ui.data import engine, query
from dashboard.ui.forms import field_error, outcome, rotate, token
from dashboard.ui.i18n import t
from dashboard.work.allocation import (
    SUCCESSOR_ROLES,
    Proposal,
    accept_proposals,
    assign_collector,
    end_assignments,
    hand_over,
    place_with_agency,
    recall_from_agency,
)
from dashboard.work.saving import Change, save
from db.models.enums import COLLECTOR_ROLES, STAFF_ROLES

ACTIONS = ("assign", "place", "recall", "end")
FORM, PROPOSALS, HANDOVER = "allocate", "alloc_proposals", "handover"


def _submit(form: str, actor: Actor, write: Callable[[Connection], list[Change]]) -> None:
    outcome(form, lambda: save(engine(), actor, token(form), write))


def _notice(form: str) -> None:
    """The refusal, or how many changes the last action saved; a saved action's token is used up."""
    refused = st.session_state.get(f"_refused_{form}")
    if refused:
        st.error(refused, icon=":material/block:")
    saved = st.session_state.get(f"_saved_{form}")
    if saved is not None:
        st.success(t("alloc.done", count=len(saved.changes)), icon=":material/check_circle:")
        rotate(form)


def _staff_names(roles: tuple[str, ...]) -> dict[str, str]:
    """Staff employed today in these jobs -> "name (job, open cases)", fewest open cases first."""
    staff = query(staff_choices, as_of=clock.today(), roles=roles)
    return {
        r.staff_id: f"{r.name} ({t(f'alloc.role.{r.role}')}, {t('alloc.open_cases', count=r.open_cases)})"
        for r in staff.itertuples()
    }


def allocation_panel(actor: Actor, loans: pd.DataFrame, as_of: date) -> None:
    """Select listed loans and assign, place, recall or end."""
    st.subheader(t("alloc.title"))
    st.caption(t("alloc.select"))
    _notice(FORM)
    labels = {r.loan_id: f"{r.loan_id} · {r.dpd} DPD" for r in loans.itertuples()}
    chosen = st.multiselect(
        t("term.loan_id"), list(labels), format_func=labels.__getitem__, key="alloc_loans"
    )
    st.caption(t("alloc.selected", count=len(chosen)))
    # Labels looked up, not translated in format_func: AppTest formats outside the script run.
    action_names = {a: t(f"alloc.action.{a}") for a in ACTIONS}
    action = st.radio(
        t("alloc.action"),
        ACTIONS,
        format_func=action_names.__getitem__,
        horizontal=True,
        key="alloc_action",
    )
    today = clock.today()
    if action == "assign":
        names = _staff_names(COLLECTOR_ROLES)
        target = st.selectbox(
            t("alloc.collector"), list(names), format_func=names.__getitem__, key="alloc_collector"
        )
        field_error(FORM, "collector_id")
    elif action == "place":
        agencies = query(agency_choices)
        names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
        target = st.selectbox(
            t("alloc.agency"), list(names), format_func=names.__getitem__, key="alloc_agency"
        )
        field_error(FORM, "agency_id")
    elif action == "recall":
        target = st.text_area(t("alloc.reason"), key="alloc_reason", max_chars=2000)
        field_error(FORM, "reason")
    else:
        target = None
    if st.button(t("alloc.go"), key="alloc_go", type="primary"):
        ids = list(chosen)

        def write(conn: Connection) -> list[Change]:
            if action == "assign":
                return assign_collector(conn, actor, loan_ids=ids, collector_id=str(target), on=today)
            if action == "place":
                return place_with_agency(conn, actor, loan_ids=ids, agency_id=str(target), on=today)
            if action == "recall":
                return recall_from_agency(conn, actor, loan_ids=ids, reason=str(target or ""), on=today)
            return end_assignments(conn, actor, loan_ids=ids, on=today)

        _submit(FORM, actor, write)


def proposals_panel(actor: Actor, as_of: date, scope: Scope, config: Config) -> None:
    """The rules' proposals, all selected; accept the selected ones in one action."""
    st.subheader(t("alloc.proposals"))
    st.caption(t("alloc.proposals_help"))
    _notice(PROPOSALS)
    frame = query(proposals, as_of=as_of, scope=scope, config=config)
    if frame.empty:
        st.info(t("alloc.no_proposals"))
        return
    shown = frame.assign(
        rule=[t(f"alloc.rule.{r}") for r in frame["rule"]],
        kind=[t(f"alloc.kind.{k}") for k in frame["kind"]],
    )
    st.dataframe(
        shown.drop(columns=["target_id"]),
        hide_index=True,
        column_config={
            "loan_id": t("term.loan_id"),
            "dpd": t("term.dpd"),
            "overdue_amount": st.column_config.NumberColumn(t("term.overdue_amount"), format="accounting"),
            "rule": t("alloc.rule"),
            "kind": t("alloc.action"),
            "target": t("alloc.target"),
        },
    )
    rows = {f"{r.loan_id}|{r.kind}|{r.target_id}": r for r in frame.itertuples()}
    label = {key: f"{r.loan_id} → {r.target} ({t(f'alloc.rule.{r.rule}')})" for key, r in rows.items()}
    chosen = st.multiselect(
        t("alloc.proposals"),
        list(rows),
        default=list(rows),
        format_func=label.__getitem__,
        key="alloc_chosen",
    )
    if st.button(t("alloc.accept"), key="alloc_accept", type="primary"):
        picked = [Proposal(rows[k].loan_id, rows[k].kind, rows[k].target_id) for k in chosen]
        today = clock.today()
        _submit(PROPOSALS, actor, lambda conn: accept_proposals(conn, actor, proposals=picked, on=today))


def handover_panel(actor: Actor, as_of: date, scope: Scope, config: Config) -> None:
    """Departed staff's loans and open assignments, handed to a successor in bulk."""
    st.subheader(t("handover.title"))
    st.caption(t("handover.help"))
    _notice(HANDOVER)
    queue = query(handover_queue, as_of=as_of, scope=scope, config=config)
    if queue.empty:
        st.info(t("handover.none", as_of=as_of))
        return
    people = dict(zip(queue["staff_id"], queue["name"], strict=False))
    departed = st.selectbox(
        t("handover.departed"), list(people), format_func=people.__getitem__, key="handover_departed"
    )
    # The loans are listed above (the hand-over list) and on the overdue page; here each says how it is held.
    rows = queue[queue["staff_id"] == departed]
    held: dict[str, list[str]] = {}
    for r in rows.itertuples():
        held.setdefault(r.loan_id, []).append(t(f"handover.kind.{r.kind}"))
    labels = {loan: f"{loan} · {', '.join(kinds)}" for loan, kinds in held.items()}
    theirs = sorted(labels)
    chosen = st.multiselect(
        t("term.loan_id"),
        theirs,
        default=theirs,
        format_func=labels.__getitem__,
        key=f"handover_loans_{departed}",
    )
    # The successor takes every kind of holding: officer loans need an officer's job, cases a collector's.
    kinds = set(queue.loc[queue["staff_id"] == departed, "kind"])
    roles = tuple(
        r
        for r in STAFF_ROLES
        if ("officer" not in kinds or r in SUCCESSOR_ROLES)
        and ("collector" not in kinds or r in COLLECTOR_ROLES)
    )
    names = _staff_names(roles)
    successor = st.selectbox(
        t("handover.successor"), list(names), format_func=names.__getitem__, key="handover_successor"
    )
    field_error(HANDOVER, "successor_id")
    if st.button(t("handover.go"), key="handover_go", type="primary"):
        ids, today = list(chosen), clock.today()
        _submit(
            HANDOVER,
            actor,
            lambda conn: hand_over(
                conn, actor, loan_ids=ids, departed_id=str(departed), successor_id=str(successor), on=today
            ),
        )
