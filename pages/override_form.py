"""Classification (DOMAIN rule 12, issue 15): propose a loan's class with a reason and triggers; a risk
manager of the loan's branch, not the proposer, approves or rejects it with a comment. Below: the proposals
waiting (oldest first), and the overrides that risk-signal inspections suggest."""

from urllib.parse import quote_plus

import pandas as pd
import streamlit as st

from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t
from dashboard.ui.links import urls
from dashboard.ui.params import identifier
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.inspections import proposed_overrides
from dashboard.work.overrides import (
    MAX_REASON,
    classification_history,
    decide_proposal,
    decision_day,
    loan_class_now,
    pending_proposals,
    proposable_classes,
    propose_override,
)
from db.models.enums import OVERRIDE_TRIGGERS

DECIDE = "decide"

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.override_form"))
if not can(actor, "override"):
    st.error(t("ovr.refused"))
    st.stop()

current()  # the sidebar filters, as on every page
cfg = config()
with engine().connect() as _conn:
    # Proposals and approvals act on the data date (the latest complete loan state), whatever the as-of
    # date chosen in the sidebar: the service checks the class on the same day.
    today = decision_day(_conn)
st.caption(t("ovr.rule"))
st.caption(t("cls.propose_intro"))


def _classes(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(c) else t(f"class.{c}") for c in values]


def _triggers(values: pd.Series) -> list[str | None]:
    return [
        None if pd.isna(v) else ", ".join(t(f"cls.trigger.{code}") for code in str(v).split(","))
        for v in values
    ]


def _text(values: pd.Series) -> list[str | None]:
    """Dates and times as text: under TextColumn they were drawn as epoch milliseconds."""
    return [None if pd.isna(v) else str(v)[:19] for v in values]


def propose_section(actor: Actor, loan_id: str, inspection_id: str | None) -> None:
    problem = forms.loan_problem(actor, loan_id)
    if problem:
        st.error(problem, icon=":material/block:")
        return
    with engine().connect() as conn:
        now = loan_class_now(conn, loan_id, today, cfg)
    if now is None:
        st.info(t("ovr.not_active", loan_id=plain(loan_id), date=today))
    elif now.written_off:
        st.info(t("cls.err.written_off", date=today))
    else:
        left, right = st.columns(2)
        left.metric(t("ovr.current", date=today), t(f"class.{now.effective}"), border=True)
        right.metric(t("cls.floor", dpd=now.dpd), t(f"class.{now.floor}"), border=True)
        history = query(classification_history, loan_id)
        # A new form (and token) per proposal on record: after a save the next form is a new record.
        propose_form(
            actor, loan_id, proposable_classes(now), inspection_id, f"propose_{loan_id}_{len(history)}"
        )
    history = query(classification_history, loan_id)
    if not history.empty:
        st.subheader(t("cls.history"))
        show = history.assign(
            classification=_classes(history["classification"]),
            status=[t(f"cls.status.{s}") for s in history["status"]],
            triggers=_triggers(history["triggers"]),
            proposed_at=_text(history["proposed_at"]),
            decided_at=_text(history["decided_at"]),
            effective_on=_text(history["effective_on"]),
        )
        table(
            show,
            f"classification_history_{loan_id}",
            column_config={name: st.column_config.TextColumn(t(f"cls.col.{name}")) for name in show.columns},
        )


def propose_form(
    actor: Actor, loan_id: str, options: list[str], inspection_id: str | None, name: str
) -> None:
    forms.notices(name)
    forms.field_error(name, "loan_id")
    if inspection_id:
        st.caption(t("cls.inspection", inspection_id=plain(inspection_id)))
        forms.field_error(name, "inspection_id")
    with st.form(name, clear_on_submit=False):
        token = forms.token(name)
        classification = st.selectbox(
            t("cls.class"),
            options,
            format_func={c: t(f"class.{c}") for c in options}.__getitem__,
            key=f"{name}_classification",
        )
        forms.field_error(name, "classification")
        triggers = st.multiselect(
            t("cls.triggers"),
            OVERRIDE_TRIGGERS,
            # Labels worked out here, in the user's language, rather than inside format_func.
            format_func={code: t(f"cls.trigger.{code}") for code in OVERRIDE_TRIGGERS}.__getitem__,
            key=f"{name}_triggers",
        )
        forms.field_error(name, "triggers")
        other = st.text_input(t("cls.other_trigger"), max_chars=MAX_REASON, key=f"{name}_other_trigger")
        forms.field_error(name, "other_trigger")
        reason = st.text_area(t("cls.reason"), max_chars=MAX_REASON, key=f"{name}_reason")
        forms.field_error(name, "reason")
        if st.form_submit_button(t("cls.propose"), key=f"{name}_submit"):
            forms.outcome(
                name,
                lambda: propose_override(
                    engine(),
                    actor,
                    loan_id,
                    classification,
                    reason,
                    triggers,
                    other,
                    token,
                    cfg,
                    inspection_id=inspection_id,
                ),
            )


def pending_section(actor: Actor) -> None:
    st.subheader(t("cls.pending_title"))
    forms.notices(DECIDE)
    pending = query(pending_proposals, actor, as_of=today, config=cfg)
    if pending.empty:
        st.info(t("cls.pending_none"))
        return
    show = pending.drop(columns=["proposed_by"]).assign(
        current_class=_classes(pending["current_class"]),
        proposed_class=_classes(pending["proposed_class"]),
        triggers=_triggers(pending["triggers"]),
        proposed_at=_text(pending["proposed_at"]),
        balance=[None if pd.isna(b) else float(b) for b in pending["balance"]],
    )
    table(
        show,
        "pending_proposals",
        column_config={name: st.column_config.Column(t(f"cls.col.{name}")) for name in show.columns}
        | {"balance": st.column_config.NumberColumn(t("cls.col.balance"), format="accounting")},
    )
    labels = {
        int(row.proposal_id): f"{row.proposal_id} · {row.loan_id} → {t(f'class.{row.proposed_class}')}"
        for row in pending.itertuples()
    }
    with st.form(DECIDE, clear_on_submit=False):
        token = forms.token(DECIDE)
        proposal = st.selectbox(
            t("cls.decide"), list(labels), format_func=labels.__getitem__, key=f"{DECIDE}_id"
        )
        forms.field_error(DECIDE, "decision")
        comment = st.text_area(t("cls.comment"), max_chars=MAX_REASON, key=f"{DECIDE}_comment")
        forms.field_error(DECIDE, "comment")
        left, right = st.columns(2)
        approve = left.form_submit_button(t("cls.approve"), type="primary", key=f"{DECIDE}_approve")
        reject = right.form_submit_button(t("cls.reject"), key=f"{DECIDE}_reject")
    if (approve or reject) and proposal is not None:
        forms.outcome(
            DECIDE,
            lambda: decide_proposal(engine(), actor, int(proposal), bool(approve), comment, token, cfg),
        )


def suggestions_section(actor: Actor) -> None:
    st.subheader(t("ovr.proposals"))
    suggested = query(proposed_overrides, actor, today).copy()
    if "loan_id" in suggested.columns:
        # The proposal opened from here keeps the inspection that raised the signal.
        links = urls("override", "loan_id", suggested["loan_id"])
        suggested.insert(
            0,
            "open",
            [
                f"{link}&inspection_id={quote_plus(i)}"
                for link, i in zip(links, suggested["inspection_id"], strict=True)
            ],
        )
        suggested = suggested.drop(columns="inspection_id")
    if "done_on" in suggested.columns:  # as text: a date under TextColumn was drawn as epoch milliseconds
        suggested["done_on"] = [None if pd.isna(day) else day.isoformat() for day in suggested["done_on"]]
    if "current_class" in suggested.columns:
        suggested["current_class"] = _classes(suggested["current_class"])
    table(
        suggested,
        "override_proposals",
        column_config={
            name: st.column_config.TextColumn(t(f"ovr.col.{name}"))
            for name in ("loan_id", "done_on", "inspector", "findings", "current_class")
        }
        | {"open": st.column_config.LinkColumn(t("ovr.col.open"), display_text="→")},
    )


# The link's loan id is checked by forms.loan_problem (length, control characters, scope) and shown as plain
# text, never as Markdown: a bad one is a message where the form would be, as on the other forms.
loan_id = (st.query_params.get("loan_id") or st.text_input(t("ovr.loan"), key="override_loan") or "").strip()
if loan_id:
    propose_section(actor, loan_id, identifier("inspection_id"))
else:
    forms.no_loan_yet()
if can(actor, "override_approve"):
    pending_section(actor)
suggestions_section(actor)
