"""Loan card: terms, state at the as-of date, schedule with what was paid, what the user's role may record on
the loan, and the loan's history up to today. An agency sees no officer, no classification and of the
history only the collection actions (dashboard.work.external)."""

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.kpi.loan_card import floor_history, loan_summary, schedule_with_payments, timeline
from dashboard.ui import forms
from dashboard.ui.data import config, engine, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import language, t, t_codes
from dashboard.ui.pages import PAGES, PAGES_DIR
from dashboard.ui.session import current_actor
from dashboard.ui.unmask import show_customer_contact
from dashboard.ui.widgets import money, table
from dashboard.work.access import can, loan_in_scope
from dashboard.work.external import agency_history, sees_internal
from dashboard.work.legal import loan_cases
from dashboard.work.overrides import classification_history
from dashboard.work.photos import loan_photos
from dashboard.work.writeoff import writeoff_history

SCHEDULE_COLUMNS = ("instalment_no", "due_on", "last_paid_on")
AMOUNTS = ("principal_due", "interest_due", "principal_paid", "interest_paid", "remaining")
# What may be recorded on a loan: the permission (dashboard.work.access) and the page that records it.
RECORD = (
    ("visit", "visit"),
    ("inspection", "inspect"),
    ("collection_action", "action"),
    ("override", "override"),
    ("legal_case", "legal"),
    ("restructure", "restructure"),
    ("writeoff", "writeoffs"),
)

f = current()
actor = current_actor()
internal = sees_internal(actor)
heading = st.empty()  # the title goes above the contract-number box, once the loan is known
loan_id = st.text_input(t("loan.pick"), value=st.query_params.get("loan_id", ""), key="loan_id").strip()
forms.refuse_nul(loan_id)
if not loan_id:
    heading.title(t("page.loan"))
    st.stop()
summary = query(loan_summary, loan_id=loan_id, as_of=f.as_of, config=config())
if summary is not None and actor is not None:
    with engine().connect() as conn:
        if not loan_in_scope(conn, actor, loan_id):
            summary = None  # outside the user's scope: said the same way as a loan that does not exist
if summary is None:
    heading.title(t("page.loan"))
    st.warning(t("loan.not_found", loan_id=plain(loan_id)))
    st.stop()


def record_links(actor: Actor | None, loan_id: str) -> None:
    """A link to each form the user's role may use on this loan; none without a signed-in user."""
    if actor is None:
        return
    specs = {page.url_path: page for page in PAGES}
    allowed = [specs[path] for action, path in RECORD if can(actor, action)]
    if not allowed:
        return
    st.caption(t("loan.record"))
    # Every role holding a permission has its page in the navigation (tests/auth/test_roles.py checks).
    for column, spec in zip(st.columns(len(allowed)), allowed, strict=True):
        column.page_link(
            PAGES_DIR / spec.file, label=t(spec.title_key), icon=spec.icon, query_params={"loan_id": loan_id}
        )


heading.title(t("loan.title", loan_id=plain(loan_id)))
facts = {
    t("loan.customer"): summary["customer"],
    t("loan.product"): summary["product"],
    t("filter.branch"): summary["branch"],
    **({t("loan.officer"): summary["officer"]} if internal else {}),
    t("loan.disbursed"): summary["disbursed_on"].isoformat(),
    t("loan.principal"): money(summary["principal"]),
}
st.dataframe(pd.DataFrame([facts]), hide_index=True, placeholder="")
show_customer_contact(loan_id, summary["id_number"], summary["phone"])

st.subheader(t("loan.state", as_of=f.as_of))
if summary["active"]:
    # Two rows: five tiles in one row cut "Special mention" and a six-figure balance short.
    state = st.columns(3)
    state[0].metric(t("term.dpd"), summary["dpd"], border=True)
    state[1].metric(t("term.bucket"), summary["bucket"], border=True)
    if internal:
        state[2].metric(t("term.class"), t(f"class.{summary['classification']}"), border=True)
    amounts = st.columns(2)
    amounts[0].metric(t("term.outstanding_principal"), money(summary["outstanding_principal"]), border=True)
    amounts[1].metric(t("term.overdue_amount"), money(summary["overdue_amount"]), border=True)
else:
    st.info(t("loan.settled"))
record_links(actor, loan_id)

st.subheader(t("loan.schedule"))
table(
    query(schedule_with_payments, loan_id=loan_id, as_of=f.as_of),
    f"schedule_{loan_id}",
    column_config={name: st.column_config.Column(t(f"schedule.{name}")) for name in SCHEDULE_COLUMNS}
    | {name: st.column_config.NumberColumn(t(f"schedule.{name}"), format="accounting") for name in AMOUNTS},
)
# Legal cases (issue 18): stage, amounts and next hearing (internal).
if internal:
    cases = query(loan_cases, loan_id)
    if not cases.empty:
        st.subheader(t("legal.title"))
        cases["stage"] = t_codes("legal.stage.", cases["stage"])
        table(
            cases.drop(columns=["loan_id"]),
            f"legal_cases_{loan_id}",
            column_config={name: t(f"legal.{name}") for name in cases.columns if name != "loan_id"},
        )
# Write-off proposals (issue 18): the principal, the day, who proposed and who decided, and why (internal).
if internal:
    proposals = query(writeoff_history, loan_id)
    if not proposals.empty:
        st.subheader(t("wo.history"))
        proposals = proposals.assign(
            status=[t(f"cls.status.{s}") for s in proposals["status"]],
            # As text: dates and times under TextColumn were drawn as epoch milliseconds.
            **{
                c: [None if pd.isna(v) else str(v)[:19] for v in proposals[c]]
                for c in ("proposed_at", "decided_at", "written_off_on")
            },
        )
        table(
            proposals,
            f"writeoff_history_{loan_id}",
            column_config={
                name: st.column_config.NumberColumn(t(f"wo.col.{name}"), format="accounting")
                if name == "amount"
                else st.column_config.TextColumn(t(f"wo.col.{name}"))
                for name in proposals.columns
            },
        )
# Classification history (issue 15): who proposed each class, who approved or rejected it, when (internal).
if internal:
    classes = query(classification_history, loan_id)
    if not classes.empty:
        st.subheader(t("cls.history"))
        classes = classes.assign(
            classification=[t(f"class.{c}") for c in classes["classification"]],
            status=[t(f"cls.status.{s}") for s in classes["status"]],
            triggers=[
                None if pd.isna(v) else ", ".join(t(f"cls.trigger.{c}") for c in str(v).split(","))
                for v in classes["triggers"]
            ],
            # As text: dates and times under TextColumn were drawn as epoch milliseconds.
            **{
                c: [None if pd.isna(v) else str(v)[:19] for v in classes[c]]
                for c in ("proposed_at", "decided_at")
            },
            effective_on=[None if pd.isna(v) else str(v) for v in classes["effective_on"]],
        )
        table(
            classes,
            f"classification_history_{loan_id}",
            column_config={
                name: st.column_config.TextColumn(t(f"cls.col.{name}")) for name in classes.columns
            },
        )
    # The class DPD alone gave over time, and the floor edits that apply to the loan (issue 15).
    floors = query(floor_history, loan_id=loan_id, as_of=f.as_of, config=config())
    if not floors.empty:
        st.subheader(t("cls.floor_history"))
        st.caption(t("cls.floor_history_note"))

        def floors_text(value: object) -> str:
            return t("cls.floors_default") if value is None or pd.isna(value) else str(value)

        floors = pd.DataFrame(
            {
                "at": [str(v)[:19] for v in floors["at"]],
                "kind": [t(f"cls.kind.{k}") for k in floors["kind"]],
                "classification": [None if pd.isna(c) else t(f"class.{c}") for c in floors["classification"]],
                "dpd": [None if pd.isna(d) else str(int(d)) for d in floors["dpd"]],
                "change": [
                    None
                    if kind == "dpd"
                    else f"{t(f'admin.setting.{setting}')}: {before} → {after}"
                    if kind == "default_floor"
                    else f"{floors_text(before)} → {floors_text(after)}"
                    for kind, setting, before, after in zip(
                        floors["kind"], floors["setting"], floors["before"], floors["after"], strict=True
                    )
                ],
                "by": floors["by"],
            }
        )
        table(
            floors,
            f"floor_history_{loan_id}",
            column_config={
                name: st.column_config.TextColumn(t(f"cls.fcol.{name}")) for name in floors.columns
            },
        )

st.subheader(t("loan.timeline") if internal else t("loan.timeline_agency"))
# Up to today, not the as-of date: what was just recorded shows at once.
st.caption(t("loan.timeline_note"))
history = query(timeline, loan_id=loan_id, as_of=clock.today(), language=language()).copy()
if not internal and actor is not None:
    with engine().connect() as conn:
        history = agency_history(conn, actor, history, other=t("loan.by_other"))
history["kind"] = [t(f"timeline.kind.{kind}") for kind in history["kind"]]
# As text: a date column under TextColumn was drawn as epoch milliseconds (1796601600000).
history["date"] = [day.isoformat() for day in history["date"]]
table(
    history,
    f"timeline_{loan_id}",
    column_config={
        name: st.column_config.TextColumn(t(f"timeline.{name}")) for name in ("date", "kind", "what", "by")
    },
)

# Photos as evidence (rule 2), read through the scope check of loan_photos: bytes are never read otherwise.
if actor is not None:
    with engine().connect() as conn:
        photos = loan_photos(conn, actor, loan_id)
    if photos:
        st.subheader(t("photo.title"))
        columns = st.columns(3)
        for i, photo in enumerate(photos):
            owner = photo["action_id"] or photo["visit_id"]
            columns[i % 3].image(
                photo["data"],
                caption=t("photo.caption", when=f"{photo['uploaded_at']:%Y-%m-%d %H:%M}", owner=owner),
            )
