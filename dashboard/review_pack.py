"""The weekly review pack: one Excel workbook with a sheet per section of the weekly page.

Built from the same `WeeklyReview` the page shows, so the minutes carry exactly the figures on screen.
Headers and enumerations are translated into the chosen language; amounts stay exact Decimals.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dashboard.i18n import translate
from dashboard.kpi.weekly import WeeklyReview

PERCENT = "0.00%"
MONEY = "#,##0.00"
# Excel forbids these in sheet names, and caps them at 31 characters.
RATIO_TERMS = ("term.overdue_ratio", "term.npl_ratio", "term.par30", "term.par90")
FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def headline(review: WeeklyReview) -> pd.DataFrame:
    """Metric key, this week, last week, change: the tiles of the page."""
    now, before, changes = review.now, review.previous, review.changes
    rows: list[tuple[str, object, object]] = [
        ("term.active_loans", now.active_loans, before.active_loans),
        ("term.balance", now.balance, before.balance),
        ("term.overdue_ratio", now.overdue_ratio, before.overdue_ratio),
        ("term.npl_ratio", now.npl_ratio, before.npl_ratio),
        ("term.par30", now.par30, before.par30),
        ("term.par90", now.par90, before.par90),
        ("term.weekly_entered_m1", len(changes.entered_m1), None),
        ("term.weekly_cures", len(changes.cures), None),
        ("term.weekly_new_npls", len(changes.new_npls), None),
        ("term.weekly_open_issues", len(review.open_issues), None),
        ("term.weekly_backlog", len(review.backlog), None),
    ]
    return pd.DataFrame(
        [
            (key, this, last, this - last if this is not None and last is not None else None)
            for key, this, last in rows
        ],
        columns=["metric", "this_week", "last_week", "change"],
    )


def agency_ranking(review: WeeklyReview) -> pd.DataFrame:
    scores = [s for s in review.agencies if s.cases]
    return pd.DataFrame(
        {
            "rank": range(1, len(scores) + 1),
            "agency": [s.name for s in scores],
            "cases": [s.cases for s in scores],
            "recovered": [s.recovered for s in scores],
            "recovery_rate": [s.recovery_rate for s in scores],
            "coverage": [s.coverage for s in scores],
            "commission": [s.commission for s in scores],
        }
    )


def weekly_sections(review: WeeklyReview, language: str) -> dict[str, pd.DataFrame]:
    """Sheet title -> frame with translated headers and values, in page order."""

    def tr(key: str) -> str:
        return translate(key, language)

    def labelled(
        frame: pd.DataFrame,
        values: dict[str, Callable[[str], str]] | None = None,
        headers: str = "weekly.col.",
    ) -> pd.DataFrame:
        shown = frame.copy()
        for column, label in (values or {}).items():
            shown[column] = [label(v) for v in shown[column]]
        return shown.rename(columns={c: tr(f"{headers}{c}") for c in shown.columns})

    def as_class(name: str) -> str:
        return tr(f"class.{name}")

    head = headline(review)
    changes = review.changes
    frames = {
        "weekly.sheet.headline": labelled(head, {"metric": tr}),
        "weekly.sheet.entered_m1": labelled(changes.entered_m1),
        "weekly.sheet.cures": labelled(changes.cures),
        "weekly.sheet.new_npls": labelled(
            changes.new_npls, {"class_before": as_class, "class_now": as_class}
        ),
        "weekly.sheet.movers_branch": labelled(changes.movers_by_branch),
        "weekly.sheet.movers_officer": labelled(changes.movers_by_officer),
        "weekly.sheet.backlog": labelled(review.backlog),
        "weekly.sheet.issues": labelled(
            review.open_issues, {"severity": lambda s: tr(f"weekly.severity.{s}")}
        ),
        "weekly.sheet.agencies": labelled(agency_ranking(review)),
        # The migration's columns are named as on the Portfolio page.
        "weekly.sheet.migration": labelled(
            review.migration.matrix, {"from_class": as_class, "to_class": as_class}, "mig.col."
        ),
        "weekly.sheet.migration_movers": labelled(
            review.migration.movers,
            {
                "from_class": as_class,
                "to_class": as_class,
                "direction": lambda d: tr(f"mig.direction.{d}"),
                "cause": lambda c: tr(f"mig.cause.{c}"),
            },
            "mig.col.",
        ),
        "weekly.sheet.migration_branches": labelled(review.migration.by_branch, headers="mig.col."),
    }
    return {tr(key): frame for key, frame in frames.items()}


def build_workbook(
    sections: dict[str, pd.DataFrame], percent_columns: set[str], percent_rows: set[str]
) -> bytes:
    """One sheet per section; Decimal cells keep their exact value. Cells in `percent_columns`, or in
    a row whose first cell is in `percent_rows`, are shown as percentages, other Decimals as money."""
    book = Workbook()
    book.remove(book.active)
    for title, frame in sections.items():
        sheet = book.create_sheet(title.translate(FORBIDDEN)[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in row])
        for ix, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(ix)
            sheet.column_dimensions[letter].width = max(12, min(40, len(str(column)) * 2))
            for (cell,) in sheet.iter_rows(min_row=2, min_col=ix, max_col=ix):
                if isinstance(cell.value, Decimal):
                    as_percent = column in percent_columns or sheet.cell(cell.row, 1).value in percent_rows
                    cell.number_format = PERCENT if as_percent else MONEY
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def weekly_pack(review: WeeklyReview, language: str) -> bytes:
    """The review pack as .xlsx bytes."""
    percent_columns = {translate(f"weekly.col.{c}", language) for c in ("recovery_rate", "coverage")}
    # The headline mixes counts, amounts and ratios in one column: its ratio rows are percentages.
    percent_rows = {translate(k, language) for k in RATIO_TERMS}
    return build_workbook(weekly_sections(review, language), percent_columns, percent_rows)
