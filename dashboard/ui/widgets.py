"""Tiles, definitions and tables with downloads: the pieces a page is made of."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.config import Config
from dashboard.exports import EXCEL_ROWS, csv_bytes, frame_batches, xlsx_bytes
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


LIST_ROWS = 5000  # rows a drill-down list shows; its downloads hold every row
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent_columns(column_config: dict | None) -> tuple[str, ...]:
    """The columns the table shows as percentages: their Decimals are ratios, not money."""
    found = []
    for name, config in (column_config or {}).items():
        if isinstance(config, dict) and (config.get("type_config") or {}).get("format") == "percent":
            found.append(str(name))
    return tuple(found)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _xlsx(csv_digest: str, columns: tuple[str, ...], percent: tuple[str, ...], _frame: pd.DataFrame) -> bytes:
    """The Excel file of a table, built once per content (the digest of its CSV, which writes every value
    exactly), not on every run that shows the table again."""
    return xlsx_bytes(columns, frame_batches(_frame), percent)


def files(frame: pd.DataFrame, percent: tuple[str, ...] = ()) -> tuple[bytes, bytes | None]:
    """The CSV and Excel bytes of a frame (Excel None when the rows do not fit in a sheet)."""
    columns = tuple(str(c) for c in frame.columns)
    csv = csv_bytes(columns, frame_batches(frame))
    if len(frame) >= EXCEL_ROWS:
        return csv, None
    return csv, _xlsx(hashlib.sha256(csv).hexdigest(), columns, percent, frame)


def download_buttons(key: str, csv: bytes, xlsx: bytes | None, rows: int) -> None:
    """CSV and Excel buttons over bytes built now, not a callable run on click.

    A download whose data is a callable (Streamlit's deferred download) is registered under a new id on
    every run, and the id of the previous run is dropped when a run ends without drawing the button again:
    a run cut short by a rerun (the sign-in cookie reruns the page right after it loads) or an early stop.
    The browser still shows the previous run's button, and its click asks for an id the server no longer
    has ("MediaFileStorageError: Deferred file … not found"), which the browser does not report. Bytes are
    stored under an id derived from their content: the same table gives the same id on every run, and a
    file no run draws is kept for one more run, so a click on a button from an earlier run still works."""
    left, right = st.columns([1, 1], width=320)
    left.download_button(
        t("common.download_csv"),
        csv,
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    if xlsx is None:
        right.caption(t("export.too_many_for_excel", count=rows, limit=EXCEL_ROWS - 1))
        return
    right.download_button(
        t("common.download_excel"),
        xlsx,
        file_name=f"{key}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
    )


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
    downloads: bool = True,
) -> None:
    """A table with CSV and Excel downloads of exactly what it shows, amounts exact (downloads=False: the
    page offers its own, e.g. of every row when it shows only the first)."""
    if frame.empty:
        st.info(t("empty.no_rows"))
        return
    if total is not None and total > len(frame):
        st.caption(t("common.rows_shown", shown=len(frame), total=total))
    shown = _as_floats(frame)
    # placeholder: an empty cell for a missing value (no last action, no agency), not Streamlit's "None".
    st.dataframe(shown, hide_index=True, column_config=column_config, key=f"{key}_table", placeholder="")
    if downloads:
        download_buttons(key, *files(frame, _percent_columns(column_config)), len(frame))


def complete_downloads(
    key: str,
    rows: int,
    identity: tuple[Any, ...],
    columns: Sequence[str],
    batches: Callable[[], Iterable[Iterable[Sequence[Any]]]],
) -> None:
    """Downloads of every row of a list the page shows only the first of, built from the query when asked
    (a whole book is too big to build on every run) and kept in the session for the rerun that offers
    them; `identity` names the list (its query and the data version), so a changed list asks again."""
    state_key = f"_complete_{key}"
    ready = st.session_state.get(state_key)
    if ready is None or ready[0] != identity:
        if not st.button(t("export.prepare", count=rows), key=f"{key}_prepare", icon=":material/download:"):
            return
        with st.spinner(t("export.preparing")):
            # One pass over the query for each file: the rows are never held as one frame.
            csv = csv_bytes(columns, batches())
            xlsx = xlsx_bytes(columns, batches()) if rows < EXCEL_ROWS else None
        ready = (identity, csv, xlsx)
        st.session_state[state_key] = ready
    download_buttons(key, ready[1], ready[2], rows)


def compliance_table(frame: pd.DataFrame, key: str, config: Config) -> None:
    """The collection compliance figures (dashboard.kpi.compliance) of collectors or agencies, with their
    definition; rates as percentages."""
    st.subheader(t("compliance.title"))
    st.caption(t("compliance.intro"))
    definition("def.compliance_twice", "def.compliance_m1", "def.compliance_visit", "def.compliance_repair")
    if frame.empty:
        st.info(t("compliance.none"))
        return
    amount = f"{config.field_visit_amount:,.0f}"
    rate = {
        name: st.column_config.ProgressColumn(
            t(f"compliance.{name}", days=config.lost_contact_visit_days),
            format="percent",
            min_value=0,
            max_value=1,
        )
        for name in ("twice_rate", "m1_rate", "visit_rate", "repair_rate")
    }
    table(
        frame.drop(columns=["twice_done", "m1_called", "visited_in_time", "repaired"]),
        key,
        column_config={
            "holder_id": t("compliance.holder"),
            "name": t("staff.name"),
            "twice_days": t("compliance.twice_days"),
            "m1_days": t("compliance.m1_days"),
            "lost_big": t("compliance.lost_big", amount=amount),
            "lost_small": t("compliance.lost_small", amount=amount),
        }
        | rate,
    )
