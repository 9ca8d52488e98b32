"""The written-off book (issue 18): loans written off, what was written off and recovered since, whether they
are still pursued, their last action and legal stage."""

import streamlit as st

from dashboard.kpi.assessment import recovery_by_person
from dashboard.kpi.writeoffs import writeoff_totals, writeoffs
from dashboard.ui.data import config, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import definition, money, percent, table

f = current()
cfg = config()
st.title(t("wo.title"))
st.caption(t("wo.caption", as_of=f.as_of))
totals = query(writeoff_totals, as_of=f.as_of, scope=f.scope, config=cfg)
tiles = st.columns(4)
tiles[0].metric(t("wo.loans"), f"{totals.loans:,}", border=True)
tiles[1].metric(t("wo.written_off"), money(totals.written_off), border=True)
tiles[2].metric(t("wo.recovered"), money(totals.recovered), border=True)
tiles[3].metric(t("wo.recovered_this_year"), money(totals.recovered_this_year), border=True)
st.caption(f"{t('wo.pursued')}: {totals.pursued:,} / {totals.loans:,}")
actor = current_actor()
if actor is not None and actor.role == "asset_preservation" and actor.staff_id:
    # The officer's own assessment (seed 002, Wuhan rules 四(2)): recovered this year against target.
    people = query(recovery_by_person, as_of=f.as_of, scope=f.scope, config=cfg)
    mine = people[people["staff_id"] == actor.staff_id]
    if not mine.empty:
        row = mine.iloc[0]
        own = st.columns(3)
        own[0].metric(t("wo.my_recovered"), money(row["recovered"]), border=True)
        own[1].metric(t("ap.target"), money(row["target"]), border=True)
        own[2].metric(t("ap.progress"), percent(row["progress"]), border=True)
definition("def.wo_recovered")

book = query(writeoffs, as_of=f.as_of, scope=f.scope, config=cfg)
book["legal_stage"] = t_codes("legal.stage.", book["legal_stage"])
book["last_action_channel"] = t_codes("overdue.channel.", book["last_action_channel"])
book["open"] = urls("loan", "loan_id", book["loan_id"])
st.caption(t("wo.not_pursued_hint", days=cfg.pursuit_quiet_days))
amount = st.column_config.NumberColumn
table(
    book,
    "writeoffs",
    column_config={
        "open": st.column_config.LinkColumn("→", display_text="→"),
        "loan_id": t("term.loan_id"),
        "branch_id": t("filter.branch"),
        "officer_id": t("staff.officer"),
        "written_off_on": t("wo.written_off_on"),
        "written_off": amount(t("wo.written_off"), format="accounting"),
        "recovered": amount(t("wo.recovered"), format="accounting"),
        "recovered_this_year": amount(t("wo.recovered_this_year"), format="accounting"),
        "legal_stage": t("wo.legal_stage"),
        "last_action_at": t("wo.last_action_at"),
        "last_action_channel": t("wo.last_action_channel"),
        "pursued": st.column_config.CheckboxColumn(t("wo.pursued")),
    },
)
