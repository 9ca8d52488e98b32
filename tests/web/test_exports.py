"""Loan list totals and complete exports (issue 14 item 4), exact money in Excel (item 8), and downloads
built as bytes when shown, never a callable run on click (item 14)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.config import Config
from dashboard.exports import MONEY, PERCENT
from dashboard.kpi.portfolio import loans_total, portfolio
from dashboard.kpi.scope import Scope
from dashboard.ui import widgets
from dashboard.ui.widgets import files, money
from tests.kpi.book import D, loan
from tests.web.conftest import PAGES, app

AS_OF = D("2025-03-20")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """file name -> the bytes a download button was given, as the server stores them for the browser.
    A deferred download (a callable run on click) never gets here."""
    stored: dict[str, bytes] = {}
    original = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):  # type: ignore[no-untyped-def]
        if is_for_static_download and file_name:
            stored[file_name] = path_or_data
        return original(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    yield stored


@pytest.fixture
def big_book(app_db: Engine) -> Engine:
    """The web book plus two more loans in M2 (as B), one of them ¥12,345,678.91."""
    with app_db.begin() as conn:
        loan(conn, "D", "12345678.91", "2025-01-10", [("2025-02-10", "12345678.91", "10")])
        loan(conn, "E", "0.30", "2025-01-10", [("2025-02-10", "0.30", "0")])
    return app_db


def _figure(engine: Engine) -> object:
    with engine.connect() as conn:
        return portfolio(conn, as_of=AS_OF, scope=Scope(), config=Config())


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def _loans_page(**query: str):  # type: ignore[no-untyped-def]
    at = app(lang="en", **query).run()
    return at.switch_page(str(PAGES / "loans.py")).run()


def _sheet_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_list_longer_than_shown_gives_the_true_count_and_balance_and_complete_downloads(
    big_book: Engine, downloads: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widgets, "LIST_ROWS", 2)
    at = _loans_page(bucket="M2")
    assert not at.exception
    figure = _figure(big_book)
    # The figure drilled from: the M2 row of the overview's bucket table.
    assert figure.count_by_bucket["M2"] == 3
    assert _metrics(at)["Loans"] == "3"
    assert _metrics(at)["Balance"] == money(figure.balance_by_bucket["M2"]) == "¥12,348,679.21"
    assert len(at.dataframe[0].value) == 2
    assert "Showing the first 2 of 3 rows." in [c.value for c in at.caption]
    # Every row in the downloads, built from the query on request (not the two rows shown).
    assert "loans.csv" not in downloads
    prepare = next(b for b in at.button if b.key == "loans_prepare")
    assert "3" in prepare.label
    prepare.click().run()
    assert not at.exception
    csv = pd.read_csv(io.BytesIO(downloads["loans.csv"]), dtype=str)
    assert sorted(csv["loan_id"]) == ["B", "D", "E"]
    assert sum(Decimal(v) for v in csv["outstanding_principal"]) == figure.balance_by_bucket["M2"]
    rows = _sheet_rows(downloads["loans.xlsx"])
    assert rows[0][0] == "loan_id" and sorted(r[0] for r in rows[1:]) == ["B", "D", "E"]
    principal = {r[0]: Decimal(str(r[4])) for r in rows[1:]}
    assert principal["D"] == Decimal("12345678.91") and principal["E"] == Decimal("0.30")


def test_a_list_shown_whole_downloads_what_it_shows(big_book: Engine, downloads: dict[str, bytes]) -> None:
    at = _loans_page()
    assert not at.exception
    with big_book.connect() as conn:
        total = loans_total(conn, as_of=AS_OF, scope=Scope(), config=Config())
    assert total.loans == _figure(big_book).active_loans == 5
    assert _metrics(at)["Balance"] == money(_figure(big_book).balance) == money(total.balance)
    assert not [b for b in at.button if b.key == "loans_prepare"]
    csv = pd.read_csv(io.BytesIO(downloads["loans.csv"]), dtype=str)
    assert sorted(csv["loan_id"]) == ["A", "B", "C", "D", "E"]


def test_every_download_is_bytes_when_the_button_is_drawn(
    app_db: Engine, downloads: dict[str, bytes]
) -> None:
    """A callable (Streamlit's deferred download) gets a new id every run and loses the old one when a run
    ends without drawing the button; a click on the button of an earlier run then fails silently."""
    at = app(lang="en").run()
    assert not at.exception
    buttons = at.get("download_button")
    assert buttons
    for button in buttons:
        assert not button.proto.HasField("deferred_file_id"), button.proto.label
        assert button.proto.url.startswith("/mock/media/")
    assert {"balance_by_bucket.csv", "balance_by_bucket.xlsx"} <= set(downloads)
    # Drawn again, the same table is the same file: a click on the earlier run's button still finds it.
    first = {b.proto.label + b.id: b.proto.url for b in buttons}
    at.run()
    assert {b.proto.label + b.id: b.proto.url for b in at.get("download_button")} == first


def test_weekly_pack_is_bytes_when_the_button_is_drawn(app_db: Engine, downloads: dict[str, bytes]) -> None:
    at = app(lang="en").run()
    at.switch_page(str(PAGES / "weekly.py")).run()
    assert not at.exception
    pack = next(b for b in at.get("download_button") if b.proto.label == "Download the review pack")
    assert not pack.proto.HasField("deferred_file_id")
    assert any(name.startswith("weekly-review-") for name in downloads)


def test_excel_money_is_exact_to_the_fen() -> None:
    frame = pd.DataFrame(
        {
            "loan_id": ["L1", "L2", "L3", "=HYPERLINK(1)"],
            "balance": [
                Decimal("12345678.91"),
                Decimal("0.1") + Decimal("0.2"),
                Decimal("123456789012345.67"),
                None,
            ],
            "ratio": [Decimal(1) / Decimal(3), Decimal("0.5"), None, Decimal("0.25")],
        }
    )
    _, xlsx = files(frame, percent=("ratio",))
    assert xlsx is not None
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    cells = list(sheet.iter_rows(min_row=2))
    money_cells = [row[1] for row in cells]
    assert Decimal(str(money_cells[0].value)) == Decimal("12345678.91")
    assert Decimal(str(money_cells[1].value)) == Decimal("0.30")
    assert money_cells[0].number_format == money_cells[1].number_format == MONEY
    # More digits than an Excel number keeps: the exact amount as text rather than a rounded number.
    assert money_cells[2].value == "123456789012345.67"
    assert money_cells[3].value is None
    assert cells[0][2].number_format == PERCENT
    # Text stays text, never a formula: an apostrophe before it (issue 22 item 1).
    assert cells[3][0].value == "'=HYPERLINK(1)" and cells[3][0].data_type == "s"


def test_a_table_too_long_for_excel_offers_the_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(widgets, "EXCEL_ROWS", 3)
    csv, xlsx = files(pd.DataFrame({"a": [1, 2, 3]}))
    assert xlsx is None and csv.decode("utf-8-sig").splitlines() == ["a", "1", "2", "3"]
