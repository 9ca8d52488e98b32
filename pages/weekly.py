"""Weekly review: this week against the week before, in the order the meeting goes through it."""

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.weekly import WeeklyReview, weekly_review
from dashboard.review_pack import agency_ranking, weekly_pack
from dashboard.ui.assessment import assessment_section
from dashboard.ui.data import config, query, version
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import urls
from dashboard.ui.widgets import definition, headline_tiles, table

WEEKS = 12


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _pack(
    data: int, monday: date, as_of: date, scope: Scope, cfg: Config, language: str, _review: WeeklyReview
) -> bytes:
    """The review pack's bytes, built once per week, filters and data version (the review is their
    function), not on every run."""
    return weekly_pack(_review, language)


f = current()
cfg = config()
st.title(t("weekly.title"))
latest_monday = f.as_of - timedelta(days=f.as_of.weekday())
mondays = [latest_monday - timedelta(weeks=k) for k in range(WEEKS)]
monday = st.selectbox(
    t("weekly.week"),
    mondays,
    format_func=lambda m: f"{m.isoformat()} – {(m + timedelta(days=6)).isoformat()}",
    key="weekly_monday",
)
review = query(weekly_review, monday=monday, as_of=f.as_of, scope=f.scope, config=cfg)
if review.now.active_loans == 0 and review.previous.active_loans == 0:
    st.info(t("weekly.empty", end=review.end, before=review.before))
    st.stop()
st.caption(t("weekly.compared", end=review.end, before=review.before))
st.download_button(
    t("weekly.download"),
    # Bytes, not a callable: see dashboard.ui.widgets.download_buttons.
    _pack(version(), monday, f.as_of, f.scope, cfg, f.language, review),
    file_name=f"weekly-review-{monday.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    type="primary",
    key="weekly_pack",
)

now, before, changes = review.now, review.previous, review.changes
tiles = st.columns([1.8, 1, 1, 1])
# Narrow tiles: the caption above names the date they are compared with.
headline_tiles(tiles, now, before, review.before, cfg, dated=False)
counts = review.counts
change = counts.minus(review.counts_before)
versus = t("common.vs_previous", date=review.before.isoformat())
# Against the week before (its figures stand at review.before). More cures is good news; more of the
# others is bad news and shows red, as on the Overdue page; an unchanged count is grey.
for column, key in zip(
    st.columns(5), ("entered_m1", "cures", "new_npls", "open_issues", "backlog"), strict=True
):
    value, delta = getattr(counts, key), getattr(change, key)
    column.metric(
        t(f"term.weekly_{key}"),
        f"{value:,}",
        delta=f"{delta:+,} {versus}",
        delta_color="off" if delta == 0 else "normal" if key == "cures" else "inverse",
        help=t(f"def.weekly_{key}"),
        border=True,
    )
definition(
    "def.balance",
    "def.overdue_ratio",
    "def.npl_ratio",
    "def.par30",
    *(f"def.weekly_{k}" for k in ("entered_m1", "cures", "new_npls", "movers", "open_issues", "backlog")),
)


def col(name: str, kind: str = "text") -> st.column_config.Column:
    label = t(f"weekly.col.{name}")
    if kind == "money":
        return st.column_config.NumberColumn(label, format="accounting")
    if kind == "date":
        return st.column_config.DateColumn(label)
    if kind == "check":
        return st.column_config.CheckboxColumn(label)
    return st.column_config.Column(label)


def with_card_links(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(open=urls("loan", "loan_id", frame["loan_id"]))


LINK = {"open": st.column_config.LinkColumn(t("weekly.open"), display_text="→")}
LOAN = {
    name: col(name) for name in ("loan_id", "branch_id", "officer_id", "dpd", "dpd_before", "bucket_before")
}
AMOUNTS = {name: col(name, "money") for name in ("outstanding_principal", "overdue_amount", "op_before")}

st.subheader(t("term.weekly_entered_m1"))
table(with_card_links(changes.entered_m1), "weekly_entered_m1", column_config=LOAN | AMOUNTS | LINK)
st.subheader(t("term.weekly_cures"))
table(
    with_card_links(changes.cures),
    "weekly_cures",
    column_config=LOAN | AMOUNTS | LINK | {"repaid": col("repaid", "check")},
)
st.subheader(t("term.weekly_new_npls"))
new_npls = changes.new_npls.assign(
    class_before=[t(f"class.{c}") for c in changes.new_npls["class_before"]],
    class_now=[t(f"class.{c}") for c in changes.new_npls["class_now"]],
)
table(
    with_card_links(new_npls),
    "weekly_new_npls",
    column_config=LOAN
    | AMOUNTS
    | LINK
    | {"class_before": col("class_before"), "class_now": col("class_now")},
)

st.subheader(t("term.weekly_movers"))
MOVERS = {name: col(name, "money") for name in ("overdue_before", "overdue_after", "change")}
for tab, key, frame in zip(
    st.tabs([t("weekly.by_branch"), t("weekly.by_officer")]),
    ("branch_id", "officer_id"),
    (changes.movers_by_branch, changes.movers_by_officer),
    strict=True,
):
    with tab:
        if frame.empty:
            st.info(t("weekly.movers_empty"))
            continue
        top = frame.head(15).assign(change=lambda d: d["change"].astype(float))
        st.altair_chart(
            alt.Chart(top)
            .mark_bar()
            .encode(
                x=alt.X("change:Q", title=t("weekly.col.change")),
                y=alt.Y(f"{key}:N", sort=None, title=t(f"weekly.col.{key}")),
                color=alt.condition(alt.datum.change > 0, alt.value("#c62828"), alt.value("#2e7d32")),
                tooltip=[
                    alt.Tooltip(f"{key}:N", title=t(f"weekly.col.{key}")),
                    alt.Tooltip("change:Q", title=t("weekly.col.change"), format=",.2f"),
                ],
            ),
            width="stretch",
        )
        table(frame, f"weekly_movers_{key}", column_config={key: col(key)} | MOVERS)

st.subheader(t("term.weekly_backlog"))
table(
    with_card_links(review.backlog),
    "weekly_backlog",
    column_config=LOAN | LINK | {"due_on": col("due_on", "date"), "days_late": col("days_late")},
)
st.subheader(t("term.weekly_open_issues"))
issues = review.open_issues.assign(severity=t_codes("weekly.severity.", review.open_issues["severity"]))
table(
    with_card_links(issues),
    "weekly_open_issues",
    column_config=LOAN
    | LINK
    | {name: col(name) for name in ("issue_id", "severity", "days_open", "description")}
    | {"raised_on": col("raised_on", "date"), "reported_on": col("reported_on", "date")},
)

st.subheader(t("weekly.sheet.agencies"))
rate = {
    name: st.column_config.ProgressColumn(t(f"weekly.col.{name}"), format="percent", min_value=0, max_value=1)
    for name in ("recovery_rate", "coverage")
}
table(
    agency_ranking(review),
    "weekly_agencies",
    column_config={name: col(name) for name in ("rank", "agency", "cases")}
    | {name: col(name, "money") for name in ("recovered", "commission")}
    | rate,
)

assessment_section(f.as_of, f.scope, cfg, "weekly")

# --- The class migration of the month the week ends in (issue 15), as on the Portfolio page.
migration = review.migration
st.subheader(t("weekly.migration", start=migration.start, end=migration.end))
mig_money = {
    c: st.column_config.NumberColumn(t(f"mig.col.{c}"), format="accounting")
    for c in ("start_balance", "end_balance", "upgrade_balance", "downgrade_balance")
}
if migration.movers.empty:
    st.info(t("mig.no_movers"))
else:
    table(
        migration.by_branch,
        "weekly_migration_branches",
        column_config={c: t(f"mig.col.{c}") for c in migration.by_branch.columns} | mig_money,
    )
    movers = migration.movers
    table(
        with_card_links(movers).assign(
            from_class=t_codes("class.", movers["from_class"]),
            to_class=t_codes("class.", movers["to_class"]),
            direction=t_codes("mig.direction.", movers["direction"]),
            cause=t_codes("mig.cause.", movers["cause"]),
        ),
        "weekly_migration_movers",
        column_config={c: t(f"mig.col.{c}") for c in movers.columns} | mig_money | LINK,
    )
