"""My tasks (rule 11, issue 16): the overdue loans the signed-in officer, collector or agency holds on the
as-of date, with what the rules ask next; each row opens the action form for its loan."""

import streamlit as st

from dashboard.kpi.promises import broken_promises, promises_due
from dashboard.kpi.tasks import tasks
from dashboard.ui.data import config, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.promises import promises_section
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.external import sees_internal

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
f = current()
cfg = config()
st.title(t("tasks.title", as_of=f.as_of))
st.caption(t("tasks.intro"))
# The holder is the signed-in user, never a choice: a list is only ever the user's own.
if actor.role == "agency":
    holder = {"agency_id": actor.agency_id} if actor.agency_id else None
else:
    holder = {"staff_id": actor.staff_id} if actor.staff_id else None
if holder is None:
    st.warning(t("tasks.no_holder"))
    st.stop()
with st.expander(t("common.definition")):
    st.markdown(
        t(
            "next_action.rule",
            amount=f"{cfg.field_visit_amount:,.0f}",
            days=cfg.agency_after_dpd,
            lost=cfg.lost_contact_days,
        )
    )

# The holder's promises to pay: due today, and broken in the days before (DOMAIN section 4).
promises_section(
    query(promises_due, as_of=f.as_of, scope=f.scope, **holder),
    query(broken_promises, as_of=f.as_of, scope=f.scope, **holder),
    key="my_tasks",
    show_by=sees_internal(actor),
)
rows = query(tasks, as_of=f.as_of, config=cfg, **holder)
if rows.empty:
    st.info(t("tasks.none", as_of=f.as_of))
    st.stop()
for tile, (label, value) in zip(
    st.columns(3),
    (
        (t("tasks.open"), len(rows)),
        (t("tasks.done"), int(rows["done_today"].sum())),
        (t("tasks.lost"), int(rows["lost_contact"].sum())),
    ),
    strict=True,
):
    tile.metric(label, f"{value:,}", border=True)

shown = rows.copy()
shown.insert(0, "record", urls("action", "loan_id", shown["loan_id"]))
shown.insert(1, "card", urls("loan", "loan_id", shown["loan_id"]))
shown["next_action"] = t_codes("next_action.", shown["next_action"])
table(
    shown,
    "my_tasks",
    column_config={
        "record": st.column_config.LinkColumn(t("tasks.col.record"), display_text="✎"),
        "card": st.column_config.LinkColumn(t("tasks.col.card"), display_text="→"),
        "loan_id": t("term.loan_id"),
        "dpd": t("term.dpd"),
        "overdue_amount": st.column_config.NumberColumn(t("term.overdue_amount"), format="accounting"),
        "lost_contact": st.column_config.CheckboxColumn(t("tasks.col.lost_contact")),
        "next_action": t("tasks.col.next_action"),
        "calls_today": st.column_config.NumberColumn(t("tasks.col.calls_today"), format="%d"),
        "done_today": st.column_config.CheckboxColumn(t("tasks.col.done_today")),
        "borrower_calls_today": st.column_config.NumberColumn(
            t("tasks.col.borrower_calls_today"), format="%d"
        ),
        "contacts": st.column_config.NumberColumn(t("tasks.col.contacts"), format="%d"),
        "contacts_called_today": st.column_config.NumberColumn(
            t("tasks.col.contacts_called_today"), format="%d"
        ),
        "lost_since": st.column_config.DateColumn(t("tasks.col.lost_since")),
    },
)
