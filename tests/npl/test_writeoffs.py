"""The written-off book (issue 18): what was written off, and what was recovered after the write-off day.

A write-off happens at the end of its day (DOMAIN section 4, "Write-offs"): a repayment on written_off_on
lowers the amount written off and is not a recovery; one the next day is.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from dashboard.cli import main
from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.writeoffs import writeoff_totals, writeoffs
from db.models import LegalCase
from tests.conftest import url_of
from tests.kpi.book import D, act, loan, pay, place, reference

CONFIG = Config()


def _book(engine: Engine) -> None:
    """W (B11) written off 2025-01-31 with 3,000 principal: 200 repaid the day before, 100 + 5 interest on the
    day, 50 + 1 the day after, 40 on 2025-03-01 and 10 on 2025-06-01. V (B2) written off 2025-06-30; L not
    written off."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "W", "3000", "2024-01-10", [("2024-02-10", "3000", "10")], written_off_on="2025-01-31")
        pay(conn, "W", None, "2025-01-30", "200")
        pay(conn, "W", None, "2025-01-31", "100", "5")
        pay(conn, "W", None, "2025-02-01", "50", "1")
        pay(conn, "W", None, "2025-03-01", "40")
        pay(conn, "W", None, "2025-06-01", "10")
        loan(
            conn,
            "V",
            "1000",
            "2024-01-10",
            [("2024-02-10", "1000", "10")],
            branch="B2",
            officer="O2",
            written_off_on="2025-06-30",
        )
        loan(conn, "L", "1000", "2024-01-10", [("2024-02-10", "1000", "10")])
        act(conn, "W", "2025-02-01 10:00", "call", staff="C1")
        act(conn, "W", "2025-02-03 11:00", "legal", staff="C1")
        conn.execute(
            insert(LegalCase).values(
                case_id="LC1",
                loan_id="W",
                stage="judgment",
                filed_on=D("2025-02-10"),
                claimed=Decimal("2700"),
            )
        )


def _row(frame, loan_id):  # type: ignore[no-untyped-def]
    return frame.set_index("loan_id").loc[loan_id]


def test_a_repayment_on_the_write_off_day_is_before_it_the_next_day_is_recovered(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        on_the_day = writeoffs(conn, as_of=D("2025-01-31"), scope=Scope(), config=CONFIG)
        next_day = writeoffs(conn, as_of=D("2025-02-01"), scope=Scope(), config=CONFIG)
        later = writeoffs(conn, as_of=D("2025-12-31"), scope=Scope(), config=CONFIG)
    w = _row(on_the_day, "W")
    assert w.written_off == Decimal("2700.00")  # 3000 - 200 - 100: both payments up to the day
    assert w.recovered == Decimal("0.00")
    assert list(on_the_day.loan_id) == ["W"]  # V is written off later, L never
    assert _row(next_day, "W").recovered == Decimal("51.00")  # principal and interest after the day
    assert _row(next_day, "W").written_off == Decimal("2700.00")
    assert _row(later, "W").recovered == Decimal("101.00")
    assert list(later.loan_id) == ["V", "W"]  # newest write-off first


def test_recovered_this_year_starts_on_1_january(engine: Engine) -> None:
    _book(engine)
    with engine.begin() as conn:
        pay(conn, "W", None, "2026-01-01", "20")
    with engine.connect() as conn:
        frame = writeoffs(conn, as_of=D("2026-01-01"), scope=Scope(), config=CONFIG)
        totals = writeoff_totals(conn, as_of=D("2026-01-01"), scope=Scope(), config=CONFIG)
    assert _row(frame, "W").recovered == Decimal("121.00")
    assert _row(frame, "W").recovered_this_year == Decimal("20.00")
    assert totals.loans == 2
    assert totals.written_off == Decimal("3700.00")
    assert totals.recovered == Decimal("121.00")
    assert totals.recovered_this_year == Decimal("20.00")


def test_last_action_legal_stage_and_pursuit(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        frame = writeoffs(conn, as_of=D("2025-07-01"), scope=Scope(), config=CONFIG)
    w, v = _row(frame, "W"), _row(frame, "V")
    assert w.last_action_channel == "legal"
    assert str(w.last_action_at).startswith("2025-02-03")
    assert w.legal_stage == "judgment"
    assert bool(w.pursued)  # an open case
    assert pd.isna(v.legal_stage) and not v.pursued  # nothing done since


def test_pursuit_by_an_agency_or_a_recent_action(engine: Engine) -> None:
    _book(engine)
    with engine.begin() as conn:
        place(conn, "V", "A1", "2025-07-01", "1000", recalled_on="2025-08-01")
        act(conn, "V", "2025-10-01 10:00", "call", staff="C1")
    with engine.connect() as conn:

        def pursued(day: str) -> bool:
            frame = writeoffs(conn, as_of=D(day), scope=Scope(), config=CONFIG)
            return bool(_row(frame, "V").pursued)

        assert pursued("2025-07-31")  # placed
        assert not pursued("2025-08-01")  # recalled that day
        assert pursued("2025-10-01")
        assert pursued("2025-12-29")  # the 90th day counting the action's
        assert not pursued("2025-12-30")


def test_scope_limits_the_book(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        frame = writeoffs(conn, as_of=D("2025-12-31"), scope=Scope(branch_id="B1"), config=CONFIG)
    assert list(frame.loan_id) == ["W"]


def test_postloan_kpi_writeoffs(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _book(engine)
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    assert main(["kpi", "writeoffs", "--as-of", "2025-02-01", "--branch", "B1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "loan_id": "W",
            "branch_id": "B11",
            "officer_id": "O1",
            "written_off_on": "2025-01-31",
            "written_off": 2700.0,
            "recovered": 51.0,
            "recovered_this_year": 51.0,
            "legal_stage": None,  # the case is filed on 2025-02-10, after the as-of date
            "last_action_at": "2025-02-01T10:00:00",
            "last_action_channel": "call",
            "pursued": True,
        }
    ]
