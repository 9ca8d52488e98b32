"""Issue 22 item 1: no text cell of a download is a live formula, in CSV or Excel."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import csv_bytes, frame_batches, neutral, xlsx_bytes
from dashboard.review_pack import build_workbook

ATTACKS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx=1", "\r=1"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "username": [*ATTACKS, "plain"],
            "amount": [Decimal("-5.00")] * (len(ATTACKS) + 1),
            "on": [date(2025, 3, 1)] * (len(ATTACKS) + 1),
        }
    )


@pytest.mark.parametrize("value", ATTACKS)
def test_a_formula_like_text_gets_a_leading_apostrophe(value: str) -> None:
    assert neutral(value) == "'" + value


def test_other_values_are_left_as_they_are() -> None:
    assert neutral("plain = fine") == "plain = fine"
    assert neutral(Decimal("-5")) == Decimal("-5")
    assert neutral(-5) == -5
    assert neutral(None) is None


def test_csv_cells_are_never_formulas() -> None:
    frame = _frame()
    data = csv_bytes(list(frame.columns), frame_batches(frame)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    names = [row[0] for row in rows[1:]]
    assert names == ["'" + a for a in ATTACKS] + ["plain"]
    assert all(row[1] == "-5.00" for row in rows[1:]), "a negative amount stays a number"


def test_excel_cells_are_text_never_formulas() -> None:
    frame = _frame()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(list(frame.columns), frame_batches(frame))))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    # XML reads a carriage return as a line feed: compare with that in mind.
    assert [c.value for c in cells] == [("'" + a).replace("\r", "\n") for a in ATTACKS] + ["plain"]
    assert all(c.data_type == "s" for c in cells)
    amounts = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert all(a == -5 for a in amounts)


def test_weekly_pack_cells_are_never_formulas() -> None:
    frame = pd.DataFrame({"description": ATTACKS, "=header": [1] * len(ATTACKS)})
    book = openpyxl.load_workbook(io.BytesIO(build_workbook({"issues": frame}, set(), set())))
    sheet = book["issues"]
    assert sheet.cell(1, 2).value == "'=header"
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [("'" + a).replace("\r", "\n") for a in ATTACKS]
    assert all(c.data_type == "s" for c in cells)
