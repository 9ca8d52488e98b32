"""The asset-preservation assessment tables (issue 18), shown on the Staff page and the weekly review."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.config import Config
from dashboard.kpi.assessment import npl_reduction, recovery_by_branch, recovery_by_person
from dashboard.kpi.scope import Scope
from dashboard.ui.data import query
from dashboard.ui.i18n import t
from dashboard.ui.widgets import table


def _money(key: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(t(key), format="accounting")


PROGRESS = "progress"


def assessment_section(as_of: date, scope: Scope, cfg: Config, key: str) -> None:
    """Recovered this year against target per person and per branch, and each branch's NPL reduction."""
    progress = st.column_config.ProgressColumn(t("ap.progress"), format="percent", min_value=0, max_value=1)
    st.subheader(t("ap.title"))
    st.caption(t("ap.caption", as_of=as_of, cutoff=cfg.staff_cutoff))
    names = {name: t(f"ap.{name}") for name in ("staff_id", "name", "branch_id", "loans", "staff")}
    amounts = {name: _money(f"ap.{name}") for name in ("recovered", "target")}
    st.markdown(f"**{t('ap.by_person')}**")
    table(
        query(recovery_by_person, as_of=as_of, scope=scope, config=cfg),
        f"{key}_ap_people",
        column_config=names | amounts | {PROGRESS: progress},
    )
    st.markdown(f"**{t('ap.by_branch')}**")
    table(
        query(recovery_by_branch, as_of=as_of, scope=scope, config=cfg),
        f"{key}_ap_branches",
        column_config=names | amounts | {PROGRESS: progress},
    )
    st.subheader(t("ap.reduction"))
    table(
        query(npl_reduction, as_of=as_of, scope=scope, config=cfg),
        f"{key}_npl_reduction",
        column_config={
            "branch_id": names["branch_id"],
            "npl_at_start": _money("ap.npl_at_start"),
            "npl_now": _money("ap.npl_now"),
            "reduction": _money("ap.reduction_amount"),
            "target": _money("ap.target"),
            PROGRESS: progress,
        },
    )
