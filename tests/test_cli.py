"""`postloan` on the command line: the JSON equals the KPI engine's figures; bad arguments exit 2."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from dashboard import clock
from dashboard.cli import main
from dashboard.config import Config
from dashboard.kpi.data_dates import as_of_range
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import has_current_snapshot
from db.models import EarlyWarning, LoanStateSnapshot, RollMonth
from tests.conftest import url_of
from tests.kpi.book import D, act, inspect, issue, loan, pay, place, reference

MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY, mode="self")
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        inspect(conn, "A", "first", "2025-01-12")
        place(conn, "B", "A1", "2025-03-15", "1010")
        pay(conn, "B", 1, "2025-03-20", "1000", "10")
        act(conn, "B", "2025-03-16T09:30:00", "field_visit", agency="A1")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    return engine


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and out.strip().startswith(("{", "[")) else out), err


def test_portfolio_json_equals_the_engine(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-03-31")
    with cli_db.connect() as conn:
        expected = portfolio(conn, as_of=D("2025-03-31"), scope=Scope(), config=Config())
    assert code == 0
    assert set(data) == {
        "as_of",
        "active_loans",
        "balance",
        "overdue_ratio",
        "npl_ratio",
        "par30",
        "par90",
        "balance_by_bucket",
        "balance_by_class",
        "count_by_bucket",
        "count_by_class",
    }
    assert data["as_of"] == "2025-03-31"
    assert data["active_loans"] == expected.active_loans == 2
    assert Decimal(str(data["balance"])) == expected.balance == Decimal("4000.00")
    assert data["overdue_ratio"] == float(expected.overdue_ratio)
    assert data["balance_by_bucket"]["M1"] == 4000.0
    assert data["count_by_class"]["special_mention"] == 2
    assert data["par90"] == 0.0


def test_portfolio_scope_options(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _, branch, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-03-31", "--branch", "B1")
    _, officer, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-03-31", "--officer", "O2")
    assert branch["balance"] == 2000.0
    assert officer["balance"] == 2000.0


def test_loans_list(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "kpi", "loans", "--as-of", "2025-03-31")
    assert code == 0
    assert data == [
        {
            "loan_id": "A",
            "dpd": 21,
            "bucket": "M1",
            "classification": "special_mention",
            "outstanding_principal": 2000.0,
            "overdue_amount": 1010.0,
        },
        {
            "loan_id": "B",
            "dpd": 21,
            "bucket": "M1",
            "classification": "special_mention",
            "outstanding_principal": 2000.0,
            "overdue_amount": 1010.0,
        },
    ]


def test_roll(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "kpi", "roll", "--month", "2025-03")
    assert code == 0
    assert list(data) == ["M0", "M1", "M2", "M3", "M3+"]
    # At 28 Feb, A is current (2,000) and B is 18 DPD (3,000); at 31 Mar both are M1.
    assert data["M0"] == {"base_count": 1, "base_balance": 2000.0, "roll_rate": 1.0, "cure_rate": 0.0}
    assert data["M1"] == {"base_count": 1, "base_balance": 3000.0, "roll_rate": 0.0, "cure_rate": 0.0}
    assert data["M3+"]["roll_rate"] is None


def test_first_checks(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "kpi", "first-checks", "--from", "2025-01-01", "--to", "2025-01-31", "--as-of", "2025-03-31"
    )
    assert code == 0
    assert data == {
        "due": 2,
        "done": 1,
        "on_time": 1,
        "pending": 1,
        "completion_rate": 0.5,
        "on_time_rate": 0.5,
    }


def test_agencies(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "kpi", "agencies", "--from", "2025-03-01", "--to", "2025-03-31", "--as-of", "2025-03-31"
    )
    assert code == 0
    a1 = next(row for row in data if row["agency_id"] == "A1")
    assert a1 == {
        "agency_id": "A1",
        "cases": 1,
        "placed_amount": 1010.0,
        "recovered": 1010.0,
        "recovery_rate": 1.0,
        "coverage": 1.0,
        "field_visit_rate": 1.0,
        "calls_per_case": 0.0,
        "ptp_kept_rate": None,
        "commission": 101.0,
    }


def test_staff(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "kpi", "staff", "--as-of", "2025-03-31")
    assert code == 0
    assert [row["staff_id"] for row in data] == ["O1", "O2"]
    assert data[0] == {
        "staff_id": "O1",
        "balance": 2000.0,
        "overdue_ratio": 1.0,
        "npl_ratio": 0.0,
        "meets_targets": False,
        "departed": False,
    }
    _, none, _ = _run(capsys, "kpi", "staff", "--as-of", "2025-03-31", "--cutoff", "2025-06-30")
    assert none == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kpi", "portfolio", "--as-of", "2025-02-30"], "'2025-02-30' is not a date (expected YYYY-MM-DD)"),
        (["kpi", "portfolio", "--as-of", "2025-03-31", "--branch", "B9"], "unknown branch 'B9'"),
        (["kpi", "portfolio", "--as-of", "2025-03-31", "--product", "P9"], "unknown product 'P9'"),
        (["kpi", "roll", "--month", "March"], "'March' is not a month (expected YYYY-MM)"),
        (["kpi", "agencies", "--from", "2025-03-31", "--to", "2025-03-01"], "is after --to"),
        (["kpi", "nonsense"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    cli_db: Engine, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_db_upgrade_on_an_empty_database(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert main(["db", "upgrade"]) == 0
    assert "current schema" in capsys.readouterr().out
    # Any other command upgrades an empty database by itself.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert main(["kpi", "portfolio", "--as-of", "2025-01-01"]) == 0


def test_refresh_builds_snapshots_the_kpis_then_use(
    cli_db: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-03-31")
    code, out, _ = _run(capsys, "refresh", "--as-of", "2025-03-31")
    assert code == 0
    # 13 month-ends and 5 Sundays; both loans exist on the 8 dates from 31 Jan 2025.
    assert "snapshots 2024-03-31 to 2025-03-31: built 18 of 18 dates, 16 rows" in out
    assert "roll groups of 12 month(s)" in out  # each month between two of the 13 month-ends
    with cli_db.connect() as conn:
        assert has_current_snapshot(conn, as_of=D("2025-03-31"))
        assert conn.execute(select(func.max(RollMonth.end_on))).scalar() == D("2025-03-31")
    _, after, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-03-31")
    assert after == before
    # Nothing changed since: a second refresh builds nothing, unless told to rebuild everything.
    assert "built 0 of 18 dates, 0 rows" in _run(capsys, "refresh", "--as-of", "2025-03-31")[1]
    assert "built 18 of 18 dates, 16 rows" in _run(capsys, "refresh", "--as-of", "2025-03-31", "--all")[1]


def test_refresh_on_an_empty_database(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["refresh"]) == 0
    assert "nothing to snapshot" in capsys.readouterr().out


CARD_DPD = {90: "special_mention", 91: "substandard", 100: "substandard", 120: "substandard", 121: "doubtful"}
CARD_DPD |= {130: "doubtful", 180: "doubtful", 181: "loss", 190: "loss"}


def test_portfolio_classifies_a_card_product_by_its_own_floors(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A credit-card product (products.dpd_floors 90/120/180): loans at 90/91, 120/121, 180/181 DPD (and the
    issue's 100, 130, 190) fall on each side of its floors; the same loans on P1 (90/270/360) do not."""
    from datetime import timedelta

    from db.models import Product

    as_of = D("2025-12-31")
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            Product.__table__.insert().values(
                product_id="P3",
                name="信用卡",
                category="consumer",
                repayment_method="equal_instalment",
                dpd_floors="90/120/180",
            )
        )
        for dpd in CARD_DPD:
            due = (as_of - timedelta(days=dpd)).isoformat()
            loan(conn, f"K{dpd}", "1000", "2025-01-01", [(due, "1000", "0")], product="P3")
            loan(conn, f"L{dpd}", "1000", "2025-01-01", [(due, "1000", "0")], product="P1")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    _, card, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-12-31", "--product", "P3")
    _, other, _ = _run(capsys, "kpi", "portfolio", "--as-of", "2025-12-31", "--product", "P1")
    expected = {name: list(CARD_DPD.values()).count(name) for name in card["count_by_class"]}
    assert card["count_by_class"] == expected
    assert other["count_by_class"] == {**dict.fromkeys(expected, 0), "special_mention": 1, "substandard": 8}


def test_migration_json_equals_the_engine(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """March 2025: A pays February's instalment, not March's: normal -> special mention (DPD floor, 21 DPD).
    B (18 DPD at the start) pays February's on 03-20 but not March's: 21 DPD, special mention still."""
    code, data, _ = _run(capsys, "kpi", "migration", "--month", "2025-03", "--as-of", "2025-03-31")
    assert code == 0
    assert (data["start"], data["end"]) == ("2025-02-28", "2025-03-31")
    assert len(data["matrix"]) == 25
    assert [(m["loan_id"], m["from_class"], m["to_class"], m["cause"]) for m in data["movers"]] == [
        ("A", "normal", "special_mention", "dpd_floor")
    ]
    assert data["movers"][0]["dpd_end"] == 21 and data["movers"][0]["end_balance"] == 2000.0
    assert [(b["branch_id"], b["upgrades"], b["downgrades"]) for b in data["by_branch"]] == [("B11", 0, 1)]
    cells = {(c["from_class"], c["to_class"]): c["loans"] for c in data["matrix"] if c["loans"]}
    assert cells == {("normal", "special_mention"): 1, ("special_mention", "special_mention"): 1}


def test_issues_with_their_working_day_deadlines(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with cli_db.begin() as conn:
        issue(conn, "A", "important", "2025-09-30", reported_on="2025-10-09")  # after National Day: on time
        issue(conn, "A", "important", "2025-09-30", reported_on="2025-10-10")
        issue(conn, "B", "major", "2025-09-30", reported_on="2025-10-09", resolved_on="2025-11-02")
        issue(conn, "B", "general", "2025-10-01")
        issue(conn, "B", "important", "2025-10-15")
    code, rows, _ = _run(
        capsys, "kpi", "issues", "--from", "2025-09-01", "--to", "2025-10-14", "--as-of", "2025-10-31"
    )
    assert code == 0
    shown = [
        (r["loan_id"], r["severity"], r["report_deadline"], r["reported_on_time"], r["status"]) for r in rows
    ]
    assert shown == [
        ("A", "important", "2025-10-09", True, "reported"),
        ("A", "important", "2025-10-09", False, "reported"),
        ("B", "major", "2025-09-30", False, "reported"),  # resolved after the as-of date: not yet
        ("B", "general", None, None, "open"),
    ]
    assert set(rows[0]) == {
        "issue_id", "loan_id", "severity", "raised_on", "report_deadline", "reported_on",
        "reported_on_time", "resolved_on", "status",
    }  # fmt: skip
    code, _, err = _run(capsys, "kpi", "issues", "--from", "2025-10-02", "--to", "2025-10-01")
    assert code == 2 and "--from" in err


def test_calendar_check_and_fill(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "calendar", "fill", "--year", "2025")
    assert code == 0 and "added 0 day(s)" in out  # the migration filled it
    code, _, err = _run(capsys, "calendar", "fill", "--year", "2099")
    assert code == 2 and "calendar.csv" in err


def test_warnings_scan_and_figures(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    # B's instalment of 02-10 was unpaid on its day: its first overdue, seen 02-11.
    code, out, _ = _run(capsys, "warnings", "scan", "--as-of", "2025-02-12")
    assert code == 0 and "opened 1" in out
    code, out, _ = _run(capsys, "warnings", "scan", "--as-of", "2025-02-12")
    assert "opened 0" in out  # once per signal
    code, rows, _ = _run(
        capsys, "kpi", "warnings", "--from", "2025-02-01", "--to", "2025-02-28", "--as-of", "2025-02-14"
    )
    assert code == 0
    assert [(r["officer_id"], r["opened"], r["open"], r["due"], r["in_time_rate"]) for r in rows] == [
        ("O2", 1, 1, 1, 0.0)  # due 02-13, unanswered on 02-14
    ]


def _bounds(engine: Engine) -> dict[str, str]:
    """The pages' as-of range of the test book and the days and months just outside it."""
    with engine.connect() as conn:
        bounds = as_of_range(conn, today=clock.today())
    assert bounds is not None
    first, last = bounds
    month_before = first.replace(day=1) - timedelta(days=1)
    month_after = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {
        "first": str(first),
        "last": str(last),
        "before": str(first - timedelta(days=1)),
        "after": str(last + timedelta(days=1)),
        "first_month_start": str(first.replace(day=1)),
        "month_before": f"{month_before:%Y-%m}",
        "month_after": f"{month_after:%Y-%m}",
        "first_month": f"{first:%Y-%m}",
        "last_month": f"{last:%Y-%m}",
    }


# Every command that reads a date or a month of the data (issue 22 item 9), with one just outside the
# range or far outside it; {name} is filled from _bounds.
OUT_OF_RANGE = [
    ["kpi", "portfolio", "--as-of", "9999-12-31"],
    ["kpi", "portfolio", "--as-of", "{after}"],
    ["kpi", "loans", "--as-of", "{before}"],
    ["kpi", "writeoffs", "--as-of", "{after}"],
    ["kpi", "staff", "--as-of", "0001-01-01"],
    ["kpi", "tasks", "--staff", "O1", "--as-of", "9999-12-31"],
    ["kpi", "migration", "--month", "2025-03", "--as-of", "{after}"],
    ["kpi", "migration", "--month", "9999-12"],
    ["kpi", "roll", "--month", "{month_before}"],
    ["kpi", "roll", "--month", "{month_after}"],
    ["kpi", "first-checks", "--from", "{first_month_start}", "--to", "9999-12-31"],
    ["kpi", "agencies", "--from", "1900-01-01", "--to", "{last}"],
    ["kpi", "issues", "--from", "{first}", "--to", "{last}", "--as-of", "{after}"],
    ["kpi", "warnings", "--from", "{first}", "--to", "{last}", "--as-of", "{before}"],
    ["refresh", "--as-of", "9999-12-31"],
    ["warnings", "scan", "--as-of", "{after}"],
]


@pytest.mark.parametrize("argv", OUT_OF_RANGE, ids=lambda argv: " ".join(argv))
def test_a_date_outside_the_data_is_refused_as_the_pages_refuse_it(
    cli_db: Engine, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    bounds = _bounds(cli_db)
    with cli_db.connect() as conn:
        written = [
            conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (LoanStateSnapshot, EarlyWarning)
        ]
    code, out, err = _run(capsys, *(a.format(**bounds) for a in argv))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("postloan: error: --")
    assert "outside the data's range" in err
    # The range named is the pages' range, so the user learns what to give instead.
    assert bounds["first"][:7] in err and bounds["last"][:7] in err
    with cli_db.connect() as conn:
        after = [
            conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (LoanStateSnapshot, EarlyWarning)
        ]
    assert after == written


IN_RANGE = [
    ["kpi", "portfolio", "--as-of", "{first}"],
    ["kpi", "portfolio", "--as-of", "{last}"],
    ["kpi", "roll", "--month", "{first_month}"],
    ["kpi", "migration", "--month", "{last_month}", "--as-of", "{last}"],
    # A period is the months of the range: the first month from its first day, as the pages pick it.
    ["kpi", "agencies", "--from", "{first_month_start}", "--to", "{last}", "--as-of", "{last}"],
]


@pytest.mark.parametrize("argv", IN_RANGE, ids=lambda argv: " ".join(argv))
def test_the_range_s_own_ends_are_accepted(
    cli_db: Engine, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = _run(capsys, *(a.format(**_bounds(cli_db)) for a in argv))
    assert code == 0, err
    assert "outside" not in err


@pytest.mark.parametrize("as_of", ["tomorrow", "0001-01-01", "1999-12-31"])
def test_seed_refuses_a_data_date_it_cannot_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], as_of: str
) -> None:
    database = tmp_path / "seed.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    day = str(clock.today() + timedelta(days=1)) if as_of == "tomorrow" else as_of
    code, out, err = _run(capsys, "seed", "--loans", "20", "--as-of", day)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and f"--as-of {day} is" in err
    assert "seeded" not in out
    code, data, _ = _run(capsys, "kpi", "loans", "--as-of", str(date(2025, 1, 1)))
    assert (code, data) == (0, [])  # nothing was written
