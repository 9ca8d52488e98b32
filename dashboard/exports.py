"""A table as the files its download buttons offer: CSV and Excel (.xlsx), money exact to the fen.

CSV writes each Decimal as its digits. Excel keeps numbers as IEEE doubles with 15 significant digits,
so a Decimal amount is written as a number (shown with two decimals) only when it has at most 15
significant digits, which a double then holds exactly to the fen; a larger amount is written as its exact
text. Amounts are never passed through a float first.

Text always stays text (OWASP "CSV injection"): every text cell that a spreadsheet could read as a formula
(one starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, in CSV and Excel
alike, through `neutral`. A username typed at the sign-in form or a note is shown, never evaluated.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral, Real
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MONEY = "#,##0.00"
PERCENT = "0.00%"
EXCEL_DIGITS = 15  # significant digits an Excel number keeps
EXCEL_ROWS = 1_048_576  # rows in an Excel sheet, the header included
# RFC 4180's line end; with it the writer also quotes a cell holding a lone carriage return, which with
# "\n" pandas leaves bare and a spreadsheet then reads as the end of the row.
CSV_LINE_END = "\r\n"
# What a spreadsheet reads as the start of a formula (or, for tab and CR, skips before reading one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A text value a spreadsheet shows as text: an apostrophe before a formula-like start. Anything else
    as it is (numbers, dates, None), so amounts keep their type."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _header(columns: Sequence[str]) -> list[str]:
    return [neutral(str(c)) for c in columns]


def neutral_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [[neutral(v) for v in row] for row in rows]


def csv_bytes(columns: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel opens the Chinese text right), batch by batch; a missing
    value is empty, a Decimal its exact digits."""
    buffer = io.StringIO()
    header = True
    for rows in batches:
        pd.DataFrame(neutral_rows(rows), columns=_header(columns)).to_csv(
            buffer, index=False, header=header, lineterminator=CSV_LINE_END
        )
        header = False
    if header:  # no rows at all
        pd.DataFrame(columns=_header(columns)).to_csv(buffer, index=False, lineterminator=CSV_LINE_END)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    columns: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]], percent: Collection[str] = ()
) -> bytes:
    """One sheet, the header then the rows; Decimal cells of the `percent` columns as percentages, other
    Decimals as money. At most EXCEL_ROWS - 1 rows fit: the caller checks first (and offers the CSV)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(_header(columns))
    as_percent = [str(c) in percent for c in columns]
    for rows in batches:
        for row in rows:
            sheet.append([_cell(sheet, v, p) for v, p in zip(row, as_percent, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def frame_batches(frame: pd.DataFrame) -> list[list[tuple[Any, ...]]]:
    return [list(frame.itertuples(index=False, name=None))]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _cell(sheet: WriteOnlyWorksheet, value: Any, percent: bool) -> Any:
    if _missing(value):
        return None
    if isinstance(value, Decimal):
        if percent:
            return _styled(sheet, value, PERCENT)
        if not value.is_finite():
            return str(value)
        exact = value if value.as_tuple().exponent <= -2 else value.quantize(Decimal("0.01"))
        if len(exact.as_tuple().digits) > EXCEL_DIGITS:
            return str(exact)  # a double would lose the fen: the exact digits as text
        if exact.as_tuple().exponent < -2:
            return float(exact)  # a ratio, not money: a plain number
        return _styled(sheet, exact, MONEY)
    if isinstance(value, str):
        return _text(sheet, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, datetime):
        # Excel has no time zones: the time as shown, in its own zone.
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, date):
        return value
    return _text(sheet, str(value))


def _text(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=neutral(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _styled(sheet: WriteOnlyWorksheet, value: Decimal, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
