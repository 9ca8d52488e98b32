"""The weekly review pack: one sheet per section, headers in the chosen language, the engine's figures."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.migration import month_migration
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.weekly import weekly_review
from dashboard.review_pack import weekly_pack
from tests.kpi.book import D
from tests.kpi.test_weekly import AFTER, build_week

SHEETS_EN = [
    "Headline",
    "Entered M1",
    "Cures",
    "New NPLs",
    "Movers by branch",
    "Movers by officer",
    "Inspection backlog",
    "Open issues",
    "Agency ranking",
    "Class migration",
    "Class changes",
    "Class changes by branch",
]


def _pack(engine: Engine, language: str):  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        build_week(conn)
        review = weekly_review(
            conn, monday=D("2025-03-10"), as_of=D("2025-03-31"), scope=Scope(), config=Config()
        )
        expected = portfolio(conn, as_of=AFTER, scope=Scope(), config=Config())
    return load_workbook(io.BytesIO(weekly_pack(review, language))), expected


def test_pack_sheets_and_figures(engine: Engine) -> None:
    book, expected = _pack(engine, "en")
    assert book.sheetnames == SHEETS_EN
    headline = {row[0]: row[1:] for row in book["Headline"].iter_rows(min_row=2, values_only=True)}
    assert headline["Balance"][0] == float(expected.balance) == 5000.0
    assert book["Headline"]["B4"].number_format == "0.00%"  # the overdue ratio row
    entered = list(book["Entered M1"].iter_rows(values_only=True))
    assert entered[0][:3] == ("Contract", "Branch", "Account officer")
    assert entered[1][0] == "E" and entered[1][4] == 2000
    movers = list(book["Movers by branch"].iter_rows(min_row=2, values_only=True))
    assert movers == [("B2", 3000, 1000, -2000), ("B11", 1300, 2000, 700)]


def test_pack_in_chinese(engine: Engine) -> None:
    book, _ = _pack(engine, "zh")
    assert book.sheetnames[0] == "核心指标" and len(book.sheetnames) == len(SHEETS_EN)
    npl = list(book["新增不良"].iter_rows(values_only=True))
    assert npl[0][0] == "合同号"
    assert npl[1][3:5] == ("关注", "次级")


def test_pack_has_the_month_s_class_migration(engine: Engine) -> None:
    """The week of 2025-03-10 ends on 2025-03-16: the migration of March from 2025-02-28 to that day. N
    crosses 90 DPD (78 -> 94), E falls 4 days behind, K (27 DPD) pays and is current; R (repaid) and W
    (written off) have no class at the end."""
    book, _ = _pack(engine, "en")
    with engine.connect() as conn:
        report = month_migration(
            conn, year=2025, month=3, as_of=D("2025-03-16"), scope=Scope(), config=Config()
        )
    matrix = list(book["Class migration"].iter_rows(values_only=True))
    assert matrix[0] == (
        "Class at the start",
        "Class at the end",
        "Loans",
        "Balance at the start",
        "Balance at the end",
    )
    assert len(matrix) == 26
    assert sum(row[2] for row in matrix[1:]) == int(report.matrix["loans"].sum())
    movers = list(book["Class changes"].iter_rows(values_only=True))
    assert movers[0][:2] == ("Contract", "Branch")
    assert [row[0] for row in movers[1:]] == report.movers["loan_id"].tolist()
    assert [(row[0], row[4], row[5], row[6], row[7]) for row in movers[1:]] == [
        ("N", "Special mention", "Substandard", "Downgrade", "DPD floor"),
        ("E", "Normal", "Special mention", "Downgrade", "DPD floor"),
        ("K", "Special mention", "Normal", "Upgrade", "Repayment"),
    ]
    branches = list(book["Class changes by branch"].iter_rows(values_only=True))
    assert branches[1:] == [("B11", "朝阳支行", 0, 0, 1, 2000), ("B2", "上海分行", 1, 1000, 1, 1000)]
