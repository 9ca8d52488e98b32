"""Portfolio quality: 12 month-end trends, roll and cure rates, vintage curves, breakdowns."""

from decimal import Decimal
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from dashboard.kpi.migration import month_migration
from dashboard.kpi.periods import month_end, month_ends_until, previous_month, previous_month_end
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.roll import TO_REPAID, TO_WRITTEN_OFF, roll_rate_series
from dashboard.kpi.trends import cure_frame, portfolio_by, portfolio_trend
from dashboard.kpi.vintage import vintage
from dashboard.ui.data import config, prefetch, query
from dashboard.ui.filters import current
from dashboard.ui.i18n import t, t_codes
from dashboard.ui.links import url, urls
from dashboard.ui.widgets import definition, headline_tiles, month_picker, percent, ratio_tile, table
from db.models.enums import BUCKETS, CLASSES

MONTHS = 12
# Green to dark red, for the five buckets and the five classes (better to worse).
SEVERITY = ["#2e7d32", "#f9a825", "#ef6c00", "#d32f2f", "#6a1b1a"]

f = current()
cfg = config()
st.title(t("portfolio.title"))
# The roll rates of the last 12 complete months feed both the cure-rate trend and the roll-rate matrix.
roll_months = tuple((e.year, e.month) for e in month_ends_until(f.as_of, MONTHS))
# The trends, vintage and breakdowns are independent queries: run them side by side.
prefetch(
    partial(roll_rate_series, months=roll_months, scope=f.scope, config=cfg),
    partial(portfolio_trend, as_of=f.as_of, scope=f.scope, config=cfg, months=MONTHS),
    partial(vintage, as_of=f.as_of, scope=f.scope, config=cfg, months=MONTHS),
    *(
        partial(portfolio_by, as_of=f.as_of, scope=f.scope, config=cfg, by=by)
        for by in ("branch_id", "product_id", "channel_id")
    ),
)
trend = query(portfolio_trend, as_of=f.as_of, scope=f.scope, config=cfg, months=MONTHS)
# At a month-end the trend already holds the headline portfolios.
month_ends = {p.as_of: p for p in trend}
now = month_ends.get(f.as_of) or query(portfolio, as_of=f.as_of, scope=f.scope, config=cfg)
if now.active_loans == 0:
    st.info(t("empty.no_active_loans", as_of=f.as_of))
    st.stop()
previous_date = previous_month_end(f.as_of)
before = month_ends.get(previous_date) or query(portfolio, as_of=previous_date, scope=f.scope, config=cfg)
rolls_by_month = query(roll_rate_series, months=roll_months, scope=f.scope, config=cfg)
cures = cure_frame(rolls_by_month)
last_cure, prior_cure = cures.iloc[-1], cures.iloc[-2]
cure_date = month_end(*previous_month(*map(int, last_cure["month"].split("-"))))


def amount(label: str) -> ColumnConfig:
    return st.column_config.NumberColumn(label, format="accounting")


def rate(label: str) -> ColumnConfig:
    return st.column_config.ProgressColumn(label, format="percent", min_value=0, max_value=1)


link = st.column_config.LinkColumn(t("portfolio.open"), display_text="→")
tooltip_money = alt.Tooltip("balance:Q", title=t("term.balance"), format=",.2f")

tiles = st.columns(3) + st.columns(3)
headline_tiles(tiles[:5], now, before, previous_date, cfg)
with tiles[5]:
    ratio_tile(
        "term.portfolio_cure_rate",
        last_cure["m1_cure_rate"],
        prior_cure["m1_cure_rate"],
        cure_date,
        target=cfg.m1_cure_target,
        lower_is_better=False,
    )
    st.caption(f"{t('portfolio.m1_cure')} · {last_cure['month']}")
definition(
    "def.balance",
    "def.overdue_ratio",
    "def.npl_ratio",
    "def.par30",
    "def.par90",
    "def.portfolio_m0_roll",
    "def.portfolio_roll_rate",
    "def.portfolio_cure_rate",
    "def.portfolio_vintage",
)
st.caption(t("portfolio.month_ends", first=trend[0].as_of, last=trend[-1].as_of))

# --- Balances by bucket and by class, one bar per month-end.
st.header(t("portfolio.balances"))
month_title = t("portfolio.month_end")


def stacked(frame: pd.DataFrame, label: str, names: list[str]) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=month_title),
            y=alt.Y("balance:Q", title=t("term.balance"), stack=True),
            color=alt.Color(
                "group:N", title=label, sort=names, scale=alt.Scale(domain=names, range=SEVERITY)
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("month:O", title=month_title),
                alt.Tooltip("group:N", title=label),
                tooltip_money,
                alt.Tooltip("loans:Q", title=t("term.loans"), format=","),
            ],
        )
    )


def balances(by: str, keys: tuple[str, ...], names: list[str]) -> pd.DataFrame:
    """Long form of the trend's balance_<by> and count_<by>, for a stacked chart."""
    return pd.DataFrame(
        [
            {
                "month": p.as_of.strftime("%Y-%m"),
                "group": names[rank],
                "rank": rank,
                "balance": float(getattr(p, f"balance_{by}")[key]),
                "loans": getattr(p, f"count_{by}")[key],
            }
            for p in trend
            for rank, key in enumerate(keys)
        ]
    )


class_names = [t(f"class.{c}") for c in CLASSES]
left, right = st.columns(2)
with left:
    st.subheader(t("portfolio.by_bucket"))
    st.altair_chart(stacked(balances("by_bucket", BUCKETS, list(BUCKETS)), t("term.bucket"), list(BUCKETS)))
with right:
    st.subheader(t("portfolio.by_class"))
    st.altair_chart(stacked(balances("by_class", CLASSES, class_names), t("term.class"), class_names))

# --- The four ratios with their targets.
st.header(t("portfolio.ratios"))
ratio_names = {
    "overdue_ratio": t("term.overdue_ratio"),
    "npl_ratio": t("term.npl_ratio"),
    "par30": t("term.par30"),
    "par90": t("term.par90"),
}
ratios = pd.DataFrame(
    [
        (p.as_of.strftime("%Y-%m"), name, None if getattr(p, key) is None else float(getattr(p, key)))
        for p in trend
        for key, name in ratio_names.items()
    ],
    columns=["month", "measure", "value"],
)


def lines_with_targets(frame: pd.DataFrame, targets: pd.DataFrame) -> alt.LayerChart:
    tooltip = [
        alt.Tooltip("month:O", title=t("portfolio.month")),
        alt.Tooltip("measure:N", title=t("portfolio.measure")),
        alt.Tooltip("value:Q", title=t("portfolio.ratio"), format=".2%"),
    ]
    color = alt.Color("measure:N", title=t("portfolio.measure"), sort=list(dict.fromkeys(frame["measure"])))
    line = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=t("portfolio.month")),
            y=alt.Y("value:Q", title=t("portfolio.ratio"), axis=alt.Axis(format="%")),
            color=color,
            tooltip=tooltip,
        )
    )
    rule = (
        alt.Chart(targets)
        .mark_rule(strokeDash=[6, 4])
        .encode(y="value:Q", color=color, tooltip=[alt.Tooltip("label:N", title=t("term.target"))])
    )
    return alt.layer(line, rule)


def target_rows(rows: list[tuple[str, Decimal, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(name, float(value), t(key, name=name, value=percent(value))) for name, value, key in rows],
        columns=["measure", "value", "label"],
    )


st.altair_chart(
    lines_with_targets(
        ratios,
        target_rows(
            [
                (ratio_names["overdue_ratio"], cfg.officer_overdue_max, "portfolio.target_line"),
                (ratio_names["npl_ratio"], cfg.officer_npl_max, "portfolio.target_line"),
            ]
        ),
    )
)
table(
    pd.DataFrame(
        {
            "month_end": [p.as_of for p in trend],
            "loans": [p.active_loans for p in trend],
            "balance": [p.balance for p in trend],
            **{key: [getattr(p, key) for p in trend] for key in ratio_names},
        }
    ),
    "portfolio_trend",
    column_config={
        "month_end": st.column_config.DateColumn(month_title),
        "loans": t("term.loans"),
        "balance": amount(t("term.balance")),
        **{key: rate(name) for key, name in ratio_names.items()},
    },
)

# --- Roll-rate matrix of a chosen month, and the cure-rate trend.
st.header(t("portfolio.roll"))
months = list(reversed(roll_months))
year, month = st.selectbox(
    t("portfolio.roll_month"), months, format_func=lambda m: f"{m[0]}-{m[1]:02d}", key="portfolio_roll_month"
)
start, end = month_end(*previous_month(year, month)), month_end(year, month)
st.caption(t("portfolio.roll_period", start=start, end=end))
rolls = rolls_by_month[(year, month)]
destinations = {b: b for b in BUCKETS} | {
    TO_REPAID: t("portfolio.to_repaid"),
    TO_WRITTEN_OFF: t("portfolio.to_written_off"),
}
if not any(row.base_count for row in rolls.values()):
    st.info(t("portfolio.no_roll", start=start, month=f"{year}-{month:02d}"))
else:
    cells = pd.DataFrame(
        [
            {
                "from": bucket,
                "to": label,
                "share": float(row.to_bucket.get(dest, 0) / row.base_balance),
                "balance": float(row.to_bucket.get(dest, 0)),
            }
            for bucket, row in rolls.items()
            if row.base_balance
            for dest, label in destinations.items()
        ]
    )
    st.subheader(t("portfolio.matrix"))
    base = alt.Chart(cells).encode(
        x=alt.X(
            "to:O",
            title=t("portfolio.to_bucket"),
            sort=list(destinations.values()),
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y("from:O", title=t("portfolio.from_bucket"), sort=list(BUCKETS)),
        tooltip=[
            alt.Tooltip("from:O", title=t("portfolio.from_bucket")),
            alt.Tooltip("to:O", title=t("portfolio.to_bucket")),
            alt.Tooltip("share:Q", title=t("portfolio.share"), format=".2%"),
            alt.Tooltip("balance:Q", title=t("portfolio.moved_balance"), format=",.2f"),
        ],
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title=t("portfolio.share"),
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(format="%"),
        )
    )
    text = base.mark_text().encode(
        text=alt.Text("share:Q", format=".1%"),
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("black")),
    )
    st.altair_chart(alt.layer(heat, text).properties(height=260))
    table(
        pd.DataFrame(
            {
                "bucket": list(rolls),
                "base_loans": [row.base_count for row in rolls.values()],
                "base_balance": [row.base_balance for row in rolls.values()],
                "roll_rate": [row.roll_rate for row in rolls.values()],
                "cure_rate": [row.cure_rate for row in rolls.values()],
                "open": [url("loans", bucket=b, as_of=start.isoformat()) for b in rolls],
            }
        ),
        "roll_rates",
        column_config={
            "bucket": t("term.bucket"),
            "base_loans": t("portfolio.base_loans"),
            "base_balance": amount(t("portfolio.base_balance")),
            "roll_rate": rate(t("term.roll_rate")),
            "cure_rate": rate(t("term.cure_rate")),
            "open": link,
        },
    )

st.subheader(t("portfolio.cure_trend"))
cure_names = {"m1_cure_rate": t("portfolio.m1_cure"), "m2_m3_cure_rate": t("portfolio.m2_m3_cure")}
cure_lines = pd.DataFrame(
    [
        (row["month"], name, float(row[key]))
        for _, row in cures.iterrows()
        for key, name in cure_names.items()
        if row[key] is not None
    ],
    columns=["month", "measure", "value"],
)
if cure_lines.empty:
    st.info(t("portfolio.no_cures"))
else:
    cure_targets = target_rows(
        [
            (cure_names["m1_cure_rate"], cfg.m1_cure_target, "portfolio.target_min_line"),
            (cure_names["m2_m3_cure_rate"], cfg.m2_m3_cure_target, "portfolio.target_min_line"),
        ]
    )
    st.altair_chart(lines_with_targets(cure_lines, cure_targets))
table(
    cures,
    "cure_trend",
    column_config={
        "month": t("portfolio.month"),
        "m0_roll_rate": rate(t("portfolio.m0_roll")),
        **{key: rate(name) for key, name in cure_names.items()},
        "m1_base": amount(t("portfolio.m1_base")),
        "m2_m3_base": amount(t("portfolio.m2_m3_base")),
    },
)

# --- Vintage curves: one line per disbursement cohort of the last 12 months.
st.header(t("portfolio.vintage"))
curves = query(vintage, as_of=f.as_of, scope=f.scope, config=cfg, months=MONTHS)
if curves.empty:
    st.info(t("portfolio.no_vintage"))
else:
    shown = curves.assign(rate=curves["rate"].astype(float), balance=curves["balance_30_plus"].astype(float))
    st.altair_chart(
        alt.Chart(shown)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_on_book:O", title=t("portfolio.month_on_book"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", title=t("portfolio.rate_30_plus"), axis=alt.Axis(format="%")),
            color=alt.Color("cohort:N", title=t("portfolio.cohort")),
            tooltip=[
                alt.Tooltip("cohort:N", title=t("portfolio.cohort")),
                alt.Tooltip("month_on_book:O", title=t("portfolio.month_on_book")),
                alt.Tooltip("rate:Q", title=t("portfolio.rate_30_plus"), format=".2%"),
                tooltip_money,
            ],
        )
    )
    grid = curves.pivot(index="cohort", columns="month_on_book", values="rate")
    grid.columns = [str(k) for k in grid.columns]
    table(
        grid.reset_index(),
        "vintage",
        column_config={
            "cohort": t("portfolio.cohort"),
            **{k: st.column_config.NumberColumn(k, format="percent") for k in grid.columns},
        },
    )

# --- Breakdowns by branch, product and channel, each group linked to its loans.
st.header(t("portfolio.breakdowns", as_of=f.as_of))
for tab, (by, param, label) in zip(
    st.tabs([t("portfolio.by_branch"), t("portfolio.by_product"), t("portfolio.by_channel")]),
    [
        ("branch_id", "branch", "filter.branch"),
        ("product_id", "product", "filter.product"),
        ("channel_id", "channel", "filter.channel"),
    ],
    strict=True,
):
    groups = query(portfolio_by, as_of=f.as_of, scope=f.scope, config=cfg, by=by)
    groups["name"] = [t("portfolio.no_channel") if pd.isna(n) else n for n in groups["name"]]
    groups["open"] = [None if pd.isna(g) else url("loans", **{param: g}) for g in groups["id"]]
    with tab:
        chart = groups.assign(
            balance=groups["balance"].astype(float),
            overdue=groups["overdue_ratio"].astype(float),
            npl=groups["npl_ratio"].astype(float),
        )
        st.altair_chart(
            alt.Chart(chart)
            .mark_bar()
            .encode(
                x=alt.X("balance:Q", title=t("term.balance")),
                y=alt.Y("name:N", title=t(label), sort="-x"),
                color=alt.Color(
                    "overdue:Q",
                    title=t("term.overdue_ratio"),
                    scale=alt.Scale(scheme="orangered"),
                    legend=alt.Legend(format="%"),
                ),
                tooltip=[
                    alt.Tooltip("name:N", title=t(label)),
                    alt.Tooltip("loans:Q", title=t("term.loans"), format=","),
                    tooltip_money,
                    alt.Tooltip("overdue:Q", title=t("term.overdue_ratio"), format=".2%"),
                    alt.Tooltip("npl:Q", title=t("term.npl_ratio"), format=".2%"),
                ],
            )
        )
        table(
            groups[["id", "name", "loans", "balance", "overdue_ratio", "npl_ratio", "open"]],
            f"portfolio_by_{param}",
            column_config={
                "id": t(label),
                "name": t("portfolio.group"),
                "loans": t("term.loans"),
                "balance": amount(t("term.balance")),
                "overdue_ratio": rate(t("term.overdue_ratio")),
                "npl_ratio": rate(t("term.npl_ratio")),
                "open": link,
            },
        )

# --- Monthly class migration (issue 15): effective class at the month's start against its end, the loans that
# moved with their cause, and the moves by branch.
st.subheader(t("mig.title"))
st.caption(t("mig.caption"))
mig_year, mig_month = month_picker(t("mig.month"), f.as_of, "portfolio_migration_month")
migration = query(month_migration, year=mig_year, month=mig_month, as_of=f.as_of, scope=f.scope, config=cfg)
st.caption(t("mig.dates", start=migration.start, end=migration.end))
mig_names = {c: t(f"class.{c}") for c in CLASSES}
for value, label in (("loans", "mig.counts"), ("end_balance", "mig.balances")):
    matrix = (
        migration.matrix.pivot(index="from_class", columns="to_class", values=value)
        .reindex(index=list(CLASSES), columns=list(CLASSES))
        .reset_index()
        .rename(columns={"from_class": "mig_from"})
    )
    matrix["mig_from"] = [mig_names[c] for c in matrix["mig_from"]]
    st.markdown(f"**{t(label)}**")
    table(
        matrix,
        f"portfolio_migration_{value}",
        column_config={"mig_from": t("mig.from")}
        | {c: (amount(mig_names[c]) if value == "end_balance" else mig_names[c]) for c in CLASSES},
    )
st.markdown(f"**{t('mig.movers')}**")
st.caption(t("mig.movers_caption"))
movers = migration.movers
if movers.empty:
    st.info(t("mig.no_movers"))
else:
    shown_movers = movers.assign(
        from_class=t_codes("class.", movers["from_class"]),
        to_class=t_codes("class.", movers["to_class"]),
        direction=t_codes("mig.direction.", movers["direction"]),
        cause=t_codes("mig.cause.", movers["cause"]),
        open=urls("loan", "loan_id", movers["loan_id"]),
    )
    table(
        shown_movers,
        "portfolio_migration_movers",
        column_config={c: t(f"mig.col.{c}") for c in movers.columns}
        | {c: amount(t(f"mig.col.{c}")) for c in ("start_balance", "end_balance")}
        | {"open": link},
    )
    st.markdown(f"**{t('mig.by_branch')}**")
    table(
        migration.by_branch,
        "portfolio_migration_branches",
        column_config={c: t(f"mig.col.{c}") for c in migration.by_branch.columns}
        | {c: amount(t(f"mig.col.{c}")) for c in ("upgrade_balance", "downgrade_balance")},
    )
