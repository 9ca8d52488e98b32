"""The data date (DOMAIN section 5): recorded by `postloan import` and `postloan seed`, the default as-of date
of the KPI commands, and never moved by work saved in the app (issue 14, items 1 and 3)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.cli import main
from dashboard.config import Config
from dashboard.importer import import_directory
from dashboard.kpi.data_dates import IMPORT_ACTOR, latest_data_date, record_data_date
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import has_current_snapshot
from dashboard.work.collection import ActionForm, record_action
from dashboard.work.inspections import InspectionForm, record_inspection
from dashboard.work.visits import VisitForm, record_visit
from db.models import AuditEntry, ExtractLoad, Loan
from tests.conftest import url_of
from tests.importer.extract import counts, minimal_extract, write_extract
from tests.kpi.book import D, loan, pay, reference

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def _loads(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(ExtractLoad.data_date, ExtractLoad.source, ExtractLoad.detail).order_by(
                    ExtractLoad.load_id
                )
            )
        ]


def _audit(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry).where(AuditEntry.table_name == "extract_loads")).mappings()
        return [{**row, "after": json.loads(row["after"])} for row in rows]


def _kpi_as_of(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[str, str]:
    """The as-of date `postloan kpi portfolio` used, and what it said on stderr."""
    assert main(["kpi", "portfolio", *extra]) == 0
    out, err = capsys.readouterr()
    return json.loads(out)["as_of"], err


def _extract_with_late_work() -> dict[str, list[dict[str, str]]]:
    """The minimal extract (latest repayment 2024-03-16) with a visit and a call dated after it."""
    files = minimal_extract()
    files["visits.csv"].append({**files["visits.csv"][0], "visit_id": "V2", "visited_on": "2024-03-20"})
    call = {**files["collection_actions.csv"][0], "action_id": "CA2", "acted_at": "2024-03-25T10:00"}
    files["collection_actions.csv"].append({**call, "result": "connected", "ptp_amount": "", "ptp_on": ""})
    return files


def test_an_import_records_its_latest_repayment_as_the_data_date_with_an_audit_row(
    engine: Engine, tmp_path: Path
) -> None:
    summary = import_directory(engine, write_extract(tmp_path / "x", _extract_with_late_work()))
    assert summary.data_date == D("2024-03-16")  # not the visit of the 20th nor the call of the 25th
    assert _loads(engine) == [(D("2024-03-16"), "import", str((tmp_path / "x").resolve()))]
    with engine.connect() as conn:
        assert latest_data_date(conn) == D("2024-03-16")
    [audit] = _audit(engine)
    assert (audit["username"], audit["action"], audit["record_key"]) == ("import", "import", "1")
    assert audit["after"]["data_date"] == "2024-03-16"
    assert audit["after"]["rows"]["repayments"] == 3


def test_the_data_date_given_to_postloan_import_is_the_default_as_of(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    extract = write_extract(tmp_path / "x", _extract_with_late_work())
    assert main(["import", str(extract), "--data-date", "2024-03-31"]) == 0
    assert "data date: 2024-03-31" in capsys.readouterr().out
    assert _kpi_as_of(capsys) == ("2024-03-31", "")
    with engine.connect() as conn:
        assert has_current_snapshot(conn, as_of=D("2024-03-31"))  # the refresh after the import used it too
    # An extract of corrections to older rows, without a date, does not take the data date back.
    corrections = minimal_extract()
    corrections["repayments.csv"] = corrections["repayments.csv"][:1]
    assert main(["import", str(write_extract(tmp_path / "y", corrections))]) == 0
    capsys.readouterr()
    assert _kpi_as_of(capsys)[0] == "2024-03-31"
    # A date given explicitly is taken as it is: the way to correct a wrong one.
    assert main(["import", str(extract), "--data-date", "2024-03-18"]) == 0
    capsys.readouterr()
    assert _kpi_as_of(capsys)[0] == "2024-03-18"
    # The same date again records nothing: importing an extract twice changes nothing.
    assert main(["import", str(extract), "--data-date", "2024-03-18"]) == 0
    assert [row[0] for row in _loads(engine)] == [D("2024-03-31"), D("2024-03-18")]


def test_a_data_date_after_today_is_refused_and_nothing_is_written(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    tomorrow = clock.today() + timedelta(days=1)
    extract = write_extract(tmp_path / "x", minimal_extract())
    assert main(["import", str(extract), "--data-date", tomorrow.isoformat()]) == 2
    assert f"--data-date {tomorrow} is after today" in capsys.readouterr().err
    assert set(counts(engine).values()) == {0}
    assert _loads(engine) == []


def test_seed_records_its_as_of_as_the_data_date(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mid-month date: the book, its snapshots and the default as-of all end on it."""
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    assert main(["seed", "--loans", "40", "--seed", "2", "--as-of", "2026-06-17"]) == 0
    capsys.readouterr()
    assert _loads(engine) == [(D("2026-06-17"), "seed", "--loans 40 --seed 2 --as-of 2026-06-17")]
    [audit] = _audit(engine)
    assert (audit["username"], audit["action"], audit["after"]["rows"]["loans"]) == ("seed", "seed", 40)
    assert _kpi_as_of(capsys) == ("2026-06-17", "")
    with engine.connect() as conn:
        assert has_current_snapshot(conn, as_of=D("2026-06-17"))
        assert conn.execute(select(func.max(Loan.disbursed_on))).scalar() <= D("2026-06-17")


def test_the_demo_data_date_is_yesterday_in_the_lender_time_zone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    assert main(["seed", "--loans", "40"]) == 0
    yesterday = clock.today() - timedelta(days=1)
    assert f"seeded 40 loans as of {yesterday}" in capsys.readouterr().out
    assert [row[0] for row in _loads(engine)] == [yesterday]
    assert _kpi_as_of(capsys)[0] == yesterday.isoformat()


@pytest.fixture
def book(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Two loans; the latest repayment is on 2025-03-20, nothing recorded as the data date."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY, mode="self")
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        pay(conn, "B", 1, "2025-03-20", "1000", "10")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    return engine


def _save_work_after(engine: Engine, day: str) -> None:
    """A visit, an inspection and a collection action on loan B, all dated `day`."""
    on = D(day)
    record_visit(
        engine,
        RISK,
        VisitForm("B", on, "phone", "repayment", "回访：客户称下周还款"),
        None,
        today=on,
    )
    record_inspection(engine, RISK, InspectionForm("B", "special", "phone", on), None, today=on)
    moment = datetime(on.year, on.month, on.day, 10, 0)
    record_action(engine, OFFICER, ActionForm("B", "call", moment, "connected"), None, Config(), now=moment)


@pytest.mark.parametrize("recorded", [False, True], ids=["fallback", "recorded"])
def test_work_saved_after_the_data_date_moves_neither_it_nor_a_figure(
    book: Engine, recorded: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """One visit dated today used to move every user's default as-of to today, where no repayments exist.
    Without a recorded data date the fallback is the latest repayment, not the latest visit."""
    if recorded:
        with book.begin() as conn:
            record_data_date(
                conn, data_date=D("2025-03-21"), source="import", detail="test", actor=IMPORT_ACTOR
            )
    expected = D("2025-03-21") if recorded else D("2025-03-20")
    as_of_before, _ = _kpi_as_of(capsys)
    with book.connect() as conn:
        assert latest_data_date(conn) == expected
        figures_before = portfolio(conn, as_of=expected, scope=Scope(), config=Config())
    _save_work_after(book, "2025-04-15")
    with book.connect() as conn:
        assert latest_data_date(conn) == expected
        assert portfolio(conn, as_of=latest_data_date(conn), scope=Scope(), config=Config()) == figures_before
    assert _kpi_as_of(capsys)[0] == as_of_before == expected.isoformat()


def test_an_as_of_after_the_data_date_warns_on_stderr(
    book: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    as_of, warning = _kpi_as_of(capsys, "--as-of", "2025-04-01")
    assert as_of == "2025-04-01"
    assert "after the data date 2025-03-20: repayments after the data date are missing" in warning
    assert _kpi_as_of(capsys, "--as-of", "2025-03-20") == ("2025-03-20", "")


def test_migration_0008_adds_and_drops_the_table_and_an_upgraded_database_falls_back(book: Engine) -> None:
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config(book)
    command.downgrade(config, "0007")
    assert "extract_loads" not in inspect(book).get_table_names()
    command.upgrade(config, "head")
    assert "extract_loads" in inspect(book).get_table_names()
    with book.connect() as conn:
        assert latest_data_date(conn) == D("2025-03-20")  # nothing recorded yet: the latest repayment
    _save_work_after(book, "2025-04-15")
    with book.begin() as conn:
        record_data_date(conn, data_date=D("2025-03-31"), source="import", detail="test", actor=IMPORT_ACTOR)
    with book.connect() as conn:
        assert latest_data_date(conn) == D("2025-03-31")
