"""Task lists by the rules (issue 16 item 4) on a hand-built book as of 2025-03-20, each rule at its edges:
day 3/4, 4/5 unreached days, 49,999.99/50,000 overdue, 31+ not placed, over 90 or doubtful."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, insert

from dashboard.cli import main
from dashboard.config import Config
from dashboard.kpi.tasks import UnknownHolder, task_action, tasks
from db.models import CollectionAction, CollectorAssignment, Contact
from tests.conftest import url_of
from tests.kpi.book import D, act, loan, override, place, reference

AS_OF = date(2025, 3, 20)


def due(conn: Connection, loan_id: str, due_on: str, amount: str = "1000", officer: str = "O1") -> None:
    """A loan of one instalment due on `due_on`, unpaid: DPD = AS_OF - due_on."""
    loan(conn, loan_id, amount, "2024-12-01", [(due_on, amount, "0")], officer=officer)


def unanswered(conn: Connection, loan_id: str, days: list[str], result: str = "no_answer") -> None:
    for day in days:
        act(conn, loan_id, f"{day}T10:00:00", "call", staff="C1", result=result)


def action(conn: Connection, loan_id: str, channel: str, **columns: object) -> None:
    """An unanswered action at noon on D, with the columns book.act does not set."""
    conn.execute(
        insert(CollectionAction).values(
            action_id=f"X{loan_id}{channel}",
            loan_id=loan_id,
            acted_at=datetime(2025, 3, 20, 12),
            channel=channel,
            staff_id="C1",
            result="no_answer",
            **columns,
        )
    )


MARCH = [f"2025-03-{d:02d}" for d in range(11, 21)]


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Contact),
            [{"contact_id": "K1a", "customer_id": "K1", "name": "王父", "relation": "父亲", "phone": "1"}],
        )
        due(conn, "T3", "2025-03-17")  # DPD 3
        due(conn, "T4", "2025-03-16")  # DPD 4
        due(conn, "U4", "2025-03-10")  # 4 unreached days
        unanswered(conn, "U4", MARCH[:4])
        due(conn, "U5", "2025-03-10")  # 5 unreached days, below 50,000: repair the contact details
        unanswered(conn, "U5", MARCH[:5])
        due(conn, "BIG", "2025-03-10", amount="50000")  # 5 unreached days, 50,000 overdue: field visit
        unanswered(conn, "BIG", MARCH[:5])
        due(conn, "EDGE", "2025-03-10", amount="49999.99")
        unanswered(conn, "EDGE", MARCH[:5])
        due(conn, "BROKEN", "2025-03-10")  # a refusal on the third day: somebody was reached
        unanswered(conn, "BROKEN", MARCH[:2] + MARCH[3:6])
        act(conn, "BROKEN", "2025-03-13T11:00:00", "call", staff="C1", result="refused")
        due(conn, "SAID", "2025-03-10")  # an explicit lost_contact result
        act(conn, "SAID", "2025-03-19T10:00:00", "call", staff="C1", result="lost_contact")
        due(conn, "M2", "2025-02-17")  # DPD 31, not placed
        due(conn, "M2P", "2025-02-17")  # DPD 31, placed
        place(conn, "M2P", "A1", "2025-03-01", "1000")
        due(conn, "M3P", "2024-12-20")  # DPD 90, placed
        place(conn, "M3P", "A1", "2025-03-01", "1000")
        due(conn, "LEGAL", "2024-12-19")  # DPD 91
        due(conn, "DBT", "2025-03-10")  # doubtful by override
        override(conn, "DBT", "2025-03-01", "doubtful")
        due(conn, "OTHER", "2025-03-10", officer="O2")  # neither O1's nor C1's
        due(conn, "GONE", "2025-03-10", officer="O2")  # C1's assignment ends on D
        conn.execute(
            insert(CollectorAssignment),
            [
                {"loan_id": "T3", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None},
                {"loan_id": "GONE", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": AS_OF},
            ],
        )
    return engine


def by_loan(engine: Engine, **holder: str) -> dict[str, dict]:
    with engine.connect() as conn:
        frame = tasks(conn, as_of=AS_OF, config=Config(), **holder)
    return {row["loan_id"]: row for row in frame.to_dict("records")}


def test_each_rule_at_its_edges(book: Engine) -> None:
    rows = by_loan(book, staff_id="O1")
    assert {loan: row["next_action"] for loan, row in rows.items()} == {
        "T3": "call_twice",
        "T4": "call_contacts",
        "U4": "call_contacts",
        "U5": "repair_contact",
        "BIG": "field_visit",
        "EDGE": "repair_contact",
        "BROKEN": "call_contacts",
        "SAID": "repair_contact",
        "M2": "agency",
        "M2P": "call_contacts",
        "M3P": "call_contacts",
        "LEGAL": "legal",
        "DBT": "legal",
    }
    assert {loan for loan, row in rows.items() if row["lost_contact"]} == {"U5", "BIG", "EDGE", "SAID"}
    assert (rows["T3"]["dpd"], rows["T4"]["dpd"], rows["M2"]["dpd"], rows["LEGAL"]["dpd"]) == (3, 4, 31, 91)
    assert rows["EDGE"]["overdue_amount"] == Decimal("49999.99")
    assert rows["BIG"]["overdue_amount"] == Decimal("50000.00")
    assert rows["U5"]["lost_since"] == date(2025, 3, 15)  # the fifth unreached day
    assert rows["SAID"]["lost_since"] == date(2025, 3, 19)


def test_lost_contact_follows_the_configured_days(book: Engine) -> None:
    with book.connect() as conn:
        frame = tasks(conn, as_of=AS_OF, config=Config(lost_contact_days=4), staff_id="O1")
    lost = set(frame.loc[frame["lost_contact"], "loan_id"])
    assert lost == {"U4", "U5", "BIG", "EDGE", "SAID"}


def test_the_pure_rule_orders_the_steps() -> None:
    config = Config()
    fifty = Decimal("50000")
    assert task_action(91, 1, fifty, True, True, config) == "legal"
    assert task_action(31, 1, fifty, False, True, config) == "agency"
    assert task_action(30, 1, fifty, False, True, config) == "field_visit"
    assert task_action(30, 1, Decimal("49999.99"), False, True, config) == "repair_contact"
    assert task_action(3, 1, fifty, False, False, config) == "call_twice"
    assert task_action(4, 1, fifty, False, False, config) == "call_contacts"


def test_who_holds_a_loan_on_the_day(book: Engine) -> None:
    assert set(by_loan(book, staff_id="C1")) == {"T3"}  # GONE's assignment ended on D: not C1's
    assert set(by_loan(book, agency_id="A1")) == {"M2P", "M3P"}
    assert set(by_loan(book, staff_id="O2")) == {"OTHER", "GONE"}
    assert by_loan(book, staff_id="R1") == {}
    with book.connect() as conn, pytest.raises(UnknownHolder):
        tasks(conn, as_of=AS_OF, config=Config(), staff_id="NOBODY")


def test_calls_today_and_what_is_done(book: Engine) -> None:
    rows = by_loan(book, staff_id="O1")
    assert not any(row["done_today"] for row in rows.values())
    with book.begin() as conn:
        act(conn, "T3", "2025-03-20T09:00:00", "call", staff="C1", result="no_answer")
        act(conn, "T4", "2025-03-20T09:00:00", "call", staff="C1", result="no_answer")
        act(conn, "BIG", "2025-03-18T09:00:00", "field_visit", staff="C1", result="no_answer")
        act(conn, "LEGAL", "2025-03-18T09:00:00", "legal", staff="C1", result="no_answer")
    rows = by_loan(book, staff_id="O1")
    assert (rows["T3"]["calls_today"], rows["T3"]["done_today"]) == (1, False)
    assert (rows["T4"]["calls_today"], rows["T4"]["done_today"]) == (1, False)  # the contact is not called
    assert rows["BIG"]["done_today"] and rows["LEGAL"]["done_today"]
    with book.begin() as conn:
        act(conn, "T3", "2025-03-20T11:00:00", "call", staff="C1", result="no_answer")
        action(conn, "T4", "call", contact_id="K1a")
        action(conn, "U5", "sms", info_repaired=True)
    rows = by_loan(book, staff_id="O1")
    assert (rows["T3"]["calls_today"], rows["T3"]["done_today"]) == (2, True)
    assert (rows["T4"]["calls_today"], rows["T4"]["contacts_called_today"], rows["T4"]["done_today"]) == (
        2,
        1,
        True,
    )
    assert rows["U5"]["done_today"] and not rows["EDGE"]["done_today"]
    # The work still to do comes first.
    with book.connect() as conn:
        frame = tasks(conn, as_of=AS_OF, config=Config(), staff_id="O1")
    done = list(frame["done_today"])
    assert done == sorted(done)


def test_the_cli_prints_the_list_as_json(
    book: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(book))
    assert main(["kpi", "tasks", "--staff", "C1", "--as-of", "2025-03-20"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "loan_id": "T3",
            "dpd": 3,
            "overdue_amount": 1000.0,
            "lost_contact": False,
            "next_action": "call_twice",
            "calls_today": 0,
            "done_today": False,
            "borrower_calls_today": 0,
            "contacts": 1,
            "contacts_called_today": 0,
            "lost_since": None,
        }
    ]
    assert main(["kpi", "tasks", "--agency", "A1", "--as-of", "2025-03-20"]) == 0
    assert [row["loan_id"] for row in json.loads(capsys.readouterr().out)] == ["M3P", "M2P"]
    assert main(["kpi", "tasks", "--staff", "NOBODY", "--as-of", "2025-03-20"]) == 2
    assert capsys.readouterr().err.endswith("postloan: error: unknown staff member 'NOBODY'\n")
