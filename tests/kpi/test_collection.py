"""Overdue lists and collectors' task lists on a hand-built book (as of 2025-03-20)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from dashboard.config import Config
from dashboard.kpi.collection import (
    OverdueCounts,
    collectors,
    counts_of,
    overdue_counts,
    overdue_list,
    tasks_of,
)
from dashboard.kpi.scope import Scope
from db.models import CollectorAssignment
from tests.kpi.book import D, M, act, loan, override, pay, place, reference

CFG = Config()
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def assign(conn, loan_id: str, staff: str, assigned_on: str, ended_on: str | None = None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        insert(CollectorAssignment),
        [
            {
                "loan_id": loan_id,
                "staff_id": staff,
                "assigned_on": D(assigned_on),
                "ended_on": D(ended_on) if ended_on else None,
            }
        ],
    )


@pytest.fixture
def book(engine: Engine) -> Engine:
    """A current; B 38 DPD, not placed (A2 recalled it); C 66 DPD, loss, placed with A1 and field-visited;
    D 5 DPD, 60,000 overdue, lost contact since 14 March, never visited. C1 works B and D (C ended)."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY, mode="self")
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        loan(conn, "C", "5000", "2024-12-01", [("2025-01-13", "5000", "50")], branch="B2", officer="O2")
        override(conn, "C", "2025-03-01", "loss")
        pay(conn, "C", 1, "2025-03-20", "0", "50")
        loan(conn, "D", "60000", "2025-01-10", [("2025-03-15", "60000", "0")])
        place(conn, "B", "A2", "2025-02-01", "2020", recalled_on="2025-03-01")
        place(conn, "C", "A1", "2025-03-01", "5000")
        act(
            conn,
            "B",
            "2025-03-15T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="1010",
            ptp_on="2025-03-25",
        )
        act(conn, "B", "2025-03-21T08:00:00", "call", staff="C1", result="lost_contact")  # after D: ignored
        act(conn, "C", "2025-03-18T15:00:00", "field_visit", agency="A1", result="refused")
        act(conn, "D", "2025-03-12T09:00:00", "call", staff="C1", result="connected")
        act(conn, "D", "2025-03-14T09:00:00", "call", staff="C1", result="lost_contact")
        act(conn, "D", "2025-03-16T09:00:00", "sms", staff="C1", result="lost_contact")
        assign(conn, "B", "C1", "2025-03-01")
        assign(conn, "D", "C1", "2025-03-01")
        assign(conn, "C", "C1", "2025-02-01", ended_on="2025-03-10")
    return engine


def test_counts_and_breaches(book: Engine) -> None:
    with book.connect() as conn:
        assert overdue_counts(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG) == OverdueCounts(
            3, 1, 1, 1
        )
        # A week earlier D was not yet due and B (31 DPD) was already unplaced.
        assert overdue_counts(conn, as_of=D("2025-03-13"), scope=Scope(), config=CFG) == OverdueCounts(
            2, 0, 1, 0
        )
        assert overdue_counts(
            conn, as_of=D("2025-03-20"), scope=Scope(branch_id="B2"), config=CFG
        ) == OverdueCounts(1, 0, 0, 0)


def test_overdue_list_rows(book: Engine) -> None:
    with book.connect() as conn:
        rows = overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG).set_index("loan_id")
    assert rows.index.tolist() == ["C", "B", "D"]  # worst first
    c, b, d = (rows.loc[x] for x in ("C", "B", "D"))
    assert (c.dpd, c.bucket, c.classification, c.next_action) == (66, "M3", "loss", "legal")
    assert c.overdue_amount == M("5000.00") and c.outstanding_principal == M("5000.00")
    assert (c.agency, c.field_visited, c.last_channel, c.days_since_contact) == (
        "甲催收",
        True,
        "field_visit",
        2,
    )
    assert pd.isna(c.collector) and c.officer == "O2"
    assert (b.dpd, b.bucket, b.overdue_amount, b.next_action) == (38, "M2", M("2020.00"), "agency")
    assert (b.not_placed, b.last_result, b.last_action_on, b.days_since_contact) == (
        True,
        "ptp",
        D("2025-03-15"),
        5,
    )
    assert pd.isna(b.agency) and pd.isna(b.lost_contact_since) and b.collector == "C1"
    assert (d.dpd, d.overdue_amount, d.next_action) == (5, M("60000.00"), "field_visit")
    assert (d.lost_contact_since, d.lost_contact_days, d.days_since_contact) == (D("2025-03-14"), 6, 8)
    assert (d.big_no_visit, d.lost_no_visit, d.not_placed) == (True, True, False)


def test_collector_task_list(book: Engine) -> None:
    with book.connect() as conn:
        tasks = overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG, collector_id="C1")
        staff = collectors(conn, as_of=D("2025-03-20"), scope=Scope())
        early = collectors(conn, as_of=D("2025-03-05"), scope=Scope())
        nobody = overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG, collector_id="R1")
    assert tasks["loan_id"].tolist() == ["B", "D"]
    assert tasks["next_action"].tolist() == ["agency", "field_visit"]
    assert staff.to_dict("records") == [
        {"staff_id": "C1", "name": "C1", "role": "phone_collector", "loans": 2}
    ]
    assert early["loans"].tolist() == [3]
    assert nobody.empty


def test_limit_caps_the_list(book: Engine) -> None:
    with book.connect() as conn:
        assert overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG, limit=1)[
            "loan_id"
        ].tolist() == ["C"]


@pytest.mark.parametrize("as_of", ["2025-03-13", "2025-03-20"])
def test_counts_and_tasks_from_a_complete_list_equal_their_own_queries(book: Engine, as_of: str) -> None:
    """The Overdue page takes the counts and the task lists out of the list when it is complete."""
    with book.connect() as conn:
        full = overdue_list(conn, as_of=D(as_of), scope=Scope(), config=CFG)
        assert counts_of(full) == overdue_counts(conn, as_of=D(as_of), scope=Scope(), config=CFG)
        for staff_id in ("C1", "R1"):
            assert _records(tasks_of(full, staff_id)) == _records(
                overdue_list(conn, as_of=D(as_of), scope=Scope(), config=CFG, collector_id=staff_id)
            )
    assert counts_of(full).overdue > 0
    assert not tasks_of(full, "C1").empty


def _records(frame: pd.DataFrame) -> list[dict]:
    # Missing as None: pandas infers a string dtype (missing = nan) for a column with a value in it, object
    # (missing = None) for one without, and a subset of rows may have either.
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_a_lost_contact_run_starts_after_the_last_other_result(book: Engine) -> None:
    """An earlier run broken by a contact does not count; the run after it does, up to the as-of date."""
    with book.begin() as conn:
        act(conn, "B", "2025-03-16T09:00:00", "call", staff="C1", result="lost_contact")
        act(conn, "B", "2025-03-17T09:00:00", "sms", staff="C1", result="refused")
        act(conn, "B", "2025-03-18T09:00:00", "call", staff="C1", result="lost_contact")
        act(conn, "B", "2025-03-19T18:00:00", "sms", staff="C1", result="lost_contact")
    with book.connect() as conn:
        b = overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG).set_index("loan_id").loc["B"]
        before = (
            overdue_list(conn, as_of=D("2025-03-17"), scope=Scope(), config=CFG).set_index("loan_id").loc["B"]
        )
    assert (b.lost_contact_since, b.lost_contact_days) == (D("2025-03-18"), 2)
    assert (b.last_action_on, b.last_channel, b.last_result) == (D("2025-03-19"), "sms", "lost_contact")
    assert b.days_since_contact == 3  # refused on the 17th: somebody answered
    # As of the 17th the refusal (that day) had already ended the run of the 16th.
    assert pd.isna(before.lost_contact_since) and before.last_result == "refused"


@pytest.mark.parametrize(
    ("visited_at", "expected"), [("2025-03-19T09:00:00", "call_contacts"), (None, "field_visit")]
)
def test_a_field_visit_before_the_day_settles_the_visit_one_on_the_day_does_not(
    book: Engine, visited_at: str | None, expected: str
) -> None:
    """D (60,000 overdue, lost contact) needs a field visit until one is made on a day before the as-of date;
    one made on the day itself is that day's work, and the next action holds all day (dashboard.kpi.tasks)."""
    with book.begin() as conn:
        act(conn, "D", "2025-03-20T09:00:00", "field_visit", staff="C1", result="no_answer")
        if visited_at:
            act(conn, "D", visited_at, "field_visit", staff="C1", result="no_answer")
    with book.connect() as conn:
        d = overdue_list(conn, as_of=D("2025-03-20"), scope=Scope(), config=CFG).set_index("loan_id").loc["D"]
    assert d.field_visited and not d.big_no_visit  # the breach counts the visit on the day
    assert d.next_action == expected
