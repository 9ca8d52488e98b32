"""Tiles, definitions and tables with downloads: the pieces a page is made of."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard.config import Config
from dashboard.kpi.periods import add_months
from dashboard.kpi.portfolio import Portfolio
from dashboard.ui.i18n import t


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value:,.2f}"


def versus(change: str, previous_date: date, dated: bool = True) -> str:
    """A tile's change, naming the date it is against unless the tile is too narrow (`dated` False)."""
    return f"{change} {t('common.vs_previous', date=previous_date.isoformat())}" if dated else change


def ratio_tile(
    label_key: str,
    value: Decimal | None,
    previous: Decimal | None,
    previous_date: date,
    *,
    target: Decimal | None = None,
    lower_is_better: bool = True,
    dated: bool = True,
) -> None:
    """A ratio with its change since `previous_date` (named in the delta unless `dated` is False, for narrow
    tiles under a caption that names it) and a colour against the target."""
    delta, change = None, Decimal(0)
    if value is not None and previous is not None:
        # Rounded first, so that a change too small to show reads +0.00 in grey, not -0.00 with an arrow.
        change = ((value - previous) * 100).quantize(Decimal("0.01")) + 0
        delta = versus(f"{change:+.2f} pt", previous_date, dated)
    st.metric(
        t(label_key),
        percent(value),
        delta=delta,
        delta_color="off" if change == 0 else "inverse" if lower_is_better else "normal",
        help=t(label_key.replace("term.", "def.")),
        border=True,
    )
    if target is not None and value is not None:
        met = value <= target if lower_is_better else value >= target
        sign = "≤" if lower_is_better else "≥"
        st.badge(
            f"{t('term.target')} {sign} {percent(target)}",
            color="green" if met else "red",
            icon=":material/check:" if met else ":material/warning:",
        )


def headline_tiles(
    columns: list,
    now: Portfolio,
    before: Portfolio,
    previous_date: date,
    config: Config,
    *,
    dated: bool = True,
) -> None:
    """Balance, overdue and NPL ratios (against their targets), PAR30 and PAR90, in as many of the
    given columns as there are (in that order), each with its change since previous_date."""
    change = versus(f"{now.balance - before.balance:+,.2f}", previous_date, dated)
    tiles = [
        # A balance that grows or shrinks is neither good nor bad in itself: the change is shown in grey.
        lambda: st.metric(
            t("term.balance"),
            money(now.balance),
            delta=change,
            delta_color="off",
            help=t("def.balance"),
            border=True,
        ),
        lambda: ratio_tile(
            "term.overdue_ratio",
            now.overdue_ratio,
            before.overdue_ratio,
            previous_date,
            target=config.officer_overdue_max,
            dated=dated,
        ),
        lambda: ratio_tile(
            "term.npl_ratio",
            now.npl_ratio,
            before.npl_ratio,
            previous_date,
            target=config.officer_npl_max,
            dated=dated,
        ),
        lambda: ratio_tile("term.par30", now.par30, before.par30, previous_date, dated=dated),
        lambda: ratio_tile("term.par90", now.par90, before.par90, previous_date, dated=dated),
    ]
    for column, tile in zip(columns, tiles, strict=False):
        with column:
            tile()


def month_picker(label: str, as_of: date, key: str, months: int = 12) -> tuple[int, int]:
    """A (year, month) among the last `months` months up to the as-of date, newest first."""
    choices = [add_months(as_of.year, as_of.month, -k) for k in range(months)]
    return st.selectbox(label, choices, format_func=lambda m: f"{m[0]}-{m[1]:02d}", key=key)


def definition(*keys: str) -> None:
    with st.expander(t("common.definition")):
        for key in keys:
            st.markdown(f"**{t(key.replace('def.', 'term.'))}** — {t(key)}")


def _excel(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Decimal columns as floats for display; column by column, as a cell-by-cell map is slow."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column].dropna()
        if len(values) and isinstance(values.iloc[0], Decimal):
            shown[column] = shown[column].astype(float)
    return shown


def table(
    frame: pd.DataFrame,
    key: str,
    *,
    column_config: dict | None = None,
    total: int | None = None,
) -> None:
    """A table with CSV and Excel downloads of exactly what it shows (built only when clicked)."""
    if frame.empty:
        st.info(t("empty.no_rows"))
        return
    if total is not None and total > len(frame):
        st.caption(t("common.rows_shown", shown=len(frame), total=total))
    shown = _as_floats(frame)
    # placeholder: an empty cell for a missing value (no last action, no agency), not Streamlit's "None".
    st.dataframe(shown, hide_index=True, column_config=column_config, key=f"{key}_table", placeholder="")
    left, right = st.columns([1, 1], width=320)
    left.download_button(
        t("common.download_csv"),
        lambda: frame.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    right.download_button(
        t("common.download_excel"),
        lambda: _excel(shown),
        file_name=f"{key}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )
