"""Task lists by the rules (issue 16 item 4) on a hand-built book as of 2025-03-20, each rule at its edges:
day 3/4, 4/5 unreached days, 49,999.99/50,000 overdue, 31+ not placed, 60/61 DPD, over 90 or doubtful; the
next action (one definition, `next_action`) is the overdue list's too."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, insert

from dashboard.cli import main
from dashboard.config import Config
from dashboard.kpi.collection import overdue_list
from dashboard.kpi.scope import Scope
from dashboard.kpi.tasks import ACTIONS, UnknownHolder, next_action, tasks
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
        "M3P": "field_visit",  # 61-90 DPD, never visited: Art. 49(6)
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


FIFTY = Decimal("50000")
SMALL = Decimal("1000")


def rule(
    dpd: int = 10,
    *,
    class_ix: int = 1,
    overdue: Decimal = SMALL,
    outstanding: Decimal = SMALL,
    placed: bool = True,
    lost_on: str | None = None,
    visit: str | None = None,
    repair: str | None = None,
    config: Config | None = None,
) -> str:
    return next_action(
        as_of=AS_OF,
        dpd=dpd,
        class_ix=class_ix,
        overdue_amount=overdue,
        outstanding=outstanding,
        placed=placed,
        lost_on=D(lost_on) if lost_on else None,
        last_visit=D(visit) if visit else None,
        last_repair=D(repair) if repair else None,
        config=config or Config(),
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"dpd": 91}, "legal"),
        ({"class_ix": 3}, "legal"),  # doubtful
        ({"dpd": 31, "placed": False, "lost_on": "2025-03-15"}, "agency"),
        ({"dpd": 30, "placed": False}, "call_contacts"),
        # Lost contact: a visit from the field-visit amount overdue, else a repair; each settled by one since.
        ({"overdue": FIFTY, "lost_on": "2025-03-15"}, "field_visit"),
        ({"overdue": FIFTY, "lost_on": "2025-03-15", "visit": "2025-03-14"}, "field_visit"),
        ({"overdue": FIFTY, "lost_on": "2025-03-15", "visit": "2025-03-15"}, "call_contacts"),
        ({"overdue": Decimal("49999.99"), "lost_on": "2025-03-15"}, "repair_contact"),
        ({"lost_on": "2025-03-15", "repair": "2025-03-14"}, "repair_contact"),
        ({"lost_on": "2025-03-15", "repair": "2025-03-16"}, "call_contacts"),
        # 50,000 overdue or outstanding, reachable: a visit since the loan fell due (AS_OF - 10 days).
        ({"overdue": FIFTY}, "field_visit"),
        ({"outstanding": FIFTY}, "field_visit"),
        ({"outstanding": FIFTY, "visit": "2025-03-09"}, "field_visit"),
        ({"outstanding": FIFTY, "visit": "2025-03-10"}, "call_contacts"),
        ({"outstanding": Decimal("49999.99")}, "call_contacts"),
        # Small, lost, outstanding 50,000 and visited since it fell due: the repair is still owed.
        ({"outstanding": FIFTY, "lost_on": "2025-03-15", "visit": "2025-03-12"}, "repair_contact"),
        # 61-90 DPD: a visit since the loan reached 61 DPD; one from the phone stage does not count.
        ({"dpd": 60}, "call_contacts"),
        ({"dpd": 61}, "field_visit"),
        ({"dpd": 90, "visit": "2025-02-18"}, "field_visit"),  # fell due 2024-12-20, day 61 is 2025-02-19
        ({"dpd": 90, "visit": "2025-02-19"}, "call_contacts"),
        ({"dpd": 3}, "call_twice"),
        ({"dpd": 3, "lost_on": "2025-03-19"}, "repair_contact"),
        ({"dpd": 4}, "call_contacts"),
    ],
)
def test_the_pure_rule_orders_the_steps(kwargs: dict, expected: str) -> None:
    assert rule(**kwargs) == expected
    assert expected in ACTIONS


def test_the_thresholds_come_from_the_settings() -> None:
    strict = Config(field_visit_amount=Decimal("1000"), agency_after_dpd=10)
    assert rule(11, placed=False, config=strict) == "agency"
    assert rule(5, config=strict) == "field_visit"
    assert rule(
        5, overdue=Decimal("999.99"), outstanding=Decimal("999.99"), lost_on="2025-03-19", config=strict
    ) == ("repair_contact")


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
        act(conn, "BIG", "2025-03-20T08:00:00", "field_visit", staff="C1", result="no_answer")
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
    assert (rows["U5"]["next_action"], rows["BIG"]["next_action"]) == ("repair_contact", "field_visit")
    # Each action of the vocabulary has its own done-today rule; the list above covered all but agency.
    assert {row["next_action"] for row in rows.values()} == set(ACTIONS)
    assert not rows["M2"]["done_today"]  # agency: a manager's step, never done on the list
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


def test_a_visit_or_repair_before_the_day_settles_its_step(book: Engine) -> None:
    with book.begin() as conn:
        act(conn, "BIG", "2025-03-19T09:00:00", "field_visit", staff="C1", result="no_answer")
        act(conn, "M3P", "2025-03-19T09:00:00", "field_visit", agency="A1", result="no_answer")
        conn.execute(
            insert(CollectionAction).values(
                action_id="XU5",
                loan_id="U5",
                acted_at=datetime(2025, 3, 19, 9),
                channel="sms",
                staff_id="C1",
                result="no_answer",
                info_repaired=True,
            )
        )
    rows = by_loan(book, staff_id="O1")
    assert {loan: rows[loan]["next_action"] for loan in ("BIG", "M3P", "U5")} == dict.fromkeys(
        ("BIG", "M3P", "U5"), "call_contacts"
    )


CASES = {
    "REACH": "50000",  # reachable, 50,000 overdue, never visited: the overdue list said visit, tasks call
    "VISITED": "50000",  # the same, visited on the day
    "M3": "1000",  # 61-90 DPD, placed, visited in the phone stage only
}


@pytest.mark.parametrize("as_of", ["2025-03-13", "2025-03-16", "2025-03-20"])
def test_the_overdue_list_and_the_task_list_give_the_same_action(book: Engine, as_of: str) -> None:
    """One definition: for every overdue loan the overdue list and its holder's task list agree on the day."""
    with book.begin() as conn:
        for loan_id, amount in CASES.items():
            due(conn, loan_id, "2025-01-15" if loan_id == "M3" else "2025-03-10", amount=amount)
        act(conn, "REACH", "2025-03-12T10:00:00", "call", staff="C1", result="connected")
        act(conn, "VISITED", f"{as_of}T15:00:00", "field_visit", staff="C1", result="connected")
        act(conn, "M3", "2025-02-01T10:00:00", "field_visit", staff="C1", result="no_answer")
        place(conn, "M3", "A1", "2025-03-01", "1000")
    day = D(as_of)
    with book.connect() as conn:
        listed = overdue_list(conn, as_of=day, scope=Scope(), config=Config())
        tasked = pd.concat(
            [tasks(conn, as_of=day, config=Config(), staff_id=officer) for officer in ("O1", "O2")]
        )
    overdue = dict(zip(listed["loan_id"], listed["next_action"], strict=True))
    held = dict(zip(tasked["loan_id"], tasked["next_action"], strict=True))
    assert overdue == held
    assert len(overdue) >= 10 and set(overdue.values()) <= set(ACTIONS)
    assert len(set(overdue.values())) >= 5  # not one action for all
    assert (overdue["REACH"], overdue["VISITED"]) == ("field_visit", "field_visit")
    if as_of == "2025-03-20":
        assert (overdue["M3"], overdue["M3P"], overdue["BIG"]) == (
            "field_visit",
            "field_visit",
            "field_visit",
        )
        assert tasked.set_index("loan_id").loc["VISITED", "done_today"]
