"""Allocation (issue 16): proposals by the rules on a hand-built book, and the actions that carry them out,
each refused whole, with nothing written, when a loan or a person is wrong.

As of 31 Mar 2025 (actions on 1 Apr), risk manager R1 covers branch B1 and below:
- M4 100 DPD, phone collector C1's since 1 Mar;  M2 45 DPD;  M2P 45 DPD, placed with A1;
- M3V 20 DPD with two field visits that reached nobody;  M1 10 DPD;  M1B 5 DPD;  CUR current;
- OUT 10 DPD in branch B2, outside R1's scope.
Phone collectors C1, C2 and C9 (left 31 Jan); asset preservation officer P1; agencies A1 and A2.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, func, insert, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.allocation import proposals
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import handover_queue
from dashboard.work.allocation import (
    Proposal,
    accept_proposals,
    assign_collector,
    end_assignments,
    hand_over,
    place_with_agency,
    recall_from_agency,
    record_departure,
)
from dashboard.work.errors import FormInvalid, NotAllowed, WorkError
from dashboard.work.saving import Change, save
from db.models import AuditEntry, CollectorAssignment, Placement, Staff
from tests.kpi.book import D, act, loan, place, reference

AS_OF = D("2025-03-31")
ON = D("2025-04-01")
R1 = Actor("r1", "risk_manager", staff_id="R1", branch_id="B1")
CFG = Config()


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff),
            [
                {
                    "staff_id": s,
                    "name": s,
                    "role": r,
                    "branch_id": "B1",
                    "joined_on": D("2015-01-01"),
                    "left_on": left,
                }
                for s, r, left in (
                    ("C2", "phone_collector", None),
                    ("C9", "phone_collector", D("2025-01-31")),
                    ("P1", "asset_preservation", None),
                )
            ],
        )
        for loan_id, due, branch in (
            ("M4", "2024-12-21", "B11"),
            ("M2", "2025-02-14", "B11"),
            ("M2P", "2025-02-14", "B11"),
            ("M3V", "2025-03-11", "B1"),
            ("M1", "2025-03-21", "B11"),
            ("M1B", "2025-03-26", "B11"),
            ("CUR", "2025-04-20", "B11"),
            ("OUT", "2025-03-21", "B2"),
        ):
            loan(
                conn,
                loan_id,
                "1000",
                "2024-11-01",
                [(due, "500", "10"), ("2025-06-01", "500", "10")],
                branch=branch,
            )
        conn.execute(
            insert(CollectorAssignment).values(loan_id="M4", staff_id="C1", assigned_on=D("2025-03-01"))
        )
        place(conn, "M2P", "A1", "2025-03-01", "510")
        act(conn, "M3V", "2025-03-15T10:00", "field_visit", staff="O1", result="no_answer")
        act(conn, "M3V", "2025-03-20T10:00", "field_visit", staff="O1", result="lost_contact")
    return engine


def test_proposals_follow_the_rules_and_spread_the_work(book: Engine) -> None:
    with book.connect() as conn:
        frame = proposals(conn, as_of=AS_OF, scope=Scope(actor=R1), config=CFG)
    got = [tuple(r) for r in frame[["loan_id", "rule", "target_id"]].itertuples(index=False)]
    # Agencies with no recoveries weigh the same: A2 (no case) first, then the lower load, ties by id.
    # Phone collectors by open cases: C1 holds M4, C2 nothing; C9 has left.
    assert got == [
        ("M4", "preservation", "P1"),
        ("M4", "agency_31", "A2"),
        ("M2", "agency_31", "A1"),
        ("M3V", "agency_visits", "A2"),
        ("M3V", "phone", "C2"),
        ("M1", "phone", "C1"),
        ("M1B", "phone", "C2"),
    ]
    assert frame.loc[frame["loan_id"] == "M2", "overdue_amount"].item() == Decimal("510.00")


def test_collectors_of_another_region_are_not_proposed(book: Engine) -> None:
    with book.begin() as conn:
        conn.execute(
            insert(Staff).values(
                staff_id="C3", name="C3", role="phone_collector", branch_id="B2", joined_on=D("2015-01-01")
            )
        )
    with book.connect() as conn:
        frame = proposals(conn, as_of=AS_OF, scope=Scope(actor=R1), config=CFG)
    # C3 has no case at all, but works branch B2: B1's loans still go to C2 and C1.
    assert frame.loc[frame["rule"] == "phone", "target_id"].tolist() == ["C2", "C1", "C2"]


def _run(engine: Engine, actor: Actor, write: Callable[[Connection], list[Change]]) -> list[Change]:
    return save(engine, actor, None, write).changes


def _written(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (CollectorAssignment, Placement, AuditEntry)
        )


@pytest.mark.parametrize(
    ("write", "refusal", "key"),
    [
        (
            lambda c: assign_collector(c, R1, loan_ids=["M1", "OUT"], collector_id="C2", on=ON),
            NotAllowed,
            None,
        ),
        (lambda c: assign_collector(c, R1, loan_ids=["M1"], collector_id="C9", on=ON), FormInvalid, None),
        (lambda c: assign_collector(c, R1, loan_ids=["M1"], collector_id="O1", on=ON), FormInvalid, None),
        (
            lambda c: assign_collector(c, R1, loan_ids=["M1", "M4"], collector_id="C2", on=ON),
            WorkError,
            "alloc.err.assigned",
        ),
        (
            lambda c: recall_from_agency(c, R1, loan_ids=["M2"], reason="弱", on=ON),
            WorkError,
            "alloc.err.not_placed",
        ),
        (lambda c: recall_from_agency(c, R1, loan_ids=["M2P"], reason="  ", on=ON), FormInvalid, None),
        (
            lambda c: place_with_agency(c, R1, loan_ids=["M2P"], agency_id="A2", on=ON),
            WorkError,
            "alloc.err.placed",
        ),
        (
            lambda c: place_with_agency(c, R1, loan_ids=["CUR"], agency_id="A2", on=ON),
            WorkError,
            "alloc.err.not_overdue",
        ),
        (lambda c: end_assignments(c, R1, loan_ids=["M4", "M1"], on=ON), WorkError, "alloc.err.not_assigned"),
        (
            lambda c: assign_collector(
                c, Actor("o1", "officer", staff_id="O1"), loan_ids=["M1"], collector_id="C2", on=ON
            ),
            NotAllowed,
            None,
        ),
    ],
)
def test_a_refused_action_writes_nothing(
    book: Engine, write: Callable[[Connection], list[Change]], refusal: type[WorkError], key: str | None
) -> None:
    before = _written(book)
    with pytest.raises(refusal) as refused:
        _run(book, R1, write)
    if key is not None:
        assert refused.value.key == key
    assert _written(book) == before


def test_place_recall_assign_and_end_with_an_audit_row_each(book: Engine) -> None:
    changes = _run(book, R1, lambda c: place_with_agency(c, R1, loan_ids=["M2", "M1"], agency_id="A2", on=ON))
    assert [ch.after["placed_amount"] for ch in changes] == [Decimal("510.00"), Decimal("510.00")]  # type: ignore[index]
    _run(
        book,
        R1,
        lambda c: recall_from_agency(c, R1, loan_ids=["M1"], reason="机构考核不达标", on=D("2025-04-02")),
    )
    _run(book, R1, lambda c: assign_collector(c, R1, loan_ids=["M1"], collector_id="C2", on=ON))
    # Replacing on the hand-over day: C1's assignment of M4 ends on it, P1's starts on it.
    _run(book, R1, lambda c: assign_collector(c, R1, loan_ids=["M4"], collector_id="P1", on=ON, replace=True))
    _run(book, R1, lambda c: end_assignments(c, R1, loan_ids=["M1"], on=D("2025-04-03")))
    with book.connect() as conn:
        placements = conn.execute(
            select(Placement.loan_id, Placement.recalled_on, Placement.recall_reason)
            .where(Placement.agency_id == "A2")
            .order_by(Placement.loan_id)
        ).all()
        assignments = conn.execute(
            select(
                CollectorAssignment.loan_id,
                CollectorAssignment.staff_id,
                CollectorAssignment.assigned_on,
                CollectorAssignment.ended_on,
            ).order_by(CollectorAssignment.loan_id, CollectorAssignment.assigned_on)
        ).all()
        audit = conn.execute(
            select(AuditEntry.action, AuditEntry.table_name).order_by(AuditEntry.entry_id)
        ).all()
    assert [tuple(p) for p in placements] == [("M1", D("2025-04-02"), "机构考核不达标"), ("M2", None, None)]
    assert [tuple(a) for a in assignments] == [
        ("M1", "C2", ON, D("2025-04-03")),
        ("M4", "C1", D("2025-03-01"), ON),
        ("M4", "P1", ON, None),
    ]
    assert [tuple(a) for a in audit] == [
        ("insert", "placements"),
        ("insert", "placements"),
        ("recall", "placements"),
        ("insert", "collector_assignments"),
        ("end", "collector_assignments"),
        ("insert", "collector_assignments"),
        ("end", "collector_assignments"),
    ]


def test_accepted_proposals_are_carried_out_in_one_action(book: Engine) -> None:
    with book.connect() as conn:
        frame = proposals(conn, as_of=AS_OF, scope=Scope(actor=R1), config=CFG)
    chosen = [
        Proposal(r.loan_id, r.kind, r.target_id) for r in frame.itertuples() if r.loan_id in ("M4", "M2")
    ]
    _run(book, R1, lambda c: accept_proposals(c, R1, proposals=chosen, on=ON))
    with book.connect() as conn:
        frame = proposals(conn, as_of=ON, scope=Scope(actor=R1), config=CFG)
        placed = dict(
            conn.execute(
                select(Placement.loan_id, Placement.agency_id).where(Placement.placed_on == ON)
            ).all()
        )
    assert placed == {"M4": "A2", "M2": "A1"}
    assert not {"M4", "M2"} & set(frame["loan_id"])  # nothing left to propose for them
    # The same proposal accepted again: M2 is placed by now, so the whole action is refused.
    with pytest.raises(WorkError):
        _run(book, R1, lambda c: accept_proposals(c, R1, proposals=chosen, on=ON))


def test_a_departure_recorded_by_an_admin_puts_the_loans_in_the_hand_over_queue(book: Engine) -> None:
    admin = Actor("admin", "admin")
    with pytest.raises(FormInvalid):
        _run(book, admin, lambda c: record_departure(c, admin, staff_id="O1", left_on=D("2014-12-31")))
    with pytest.raises(NotAllowed):
        _run(book, R1, lambda c: record_departure(c, R1, staff_id="O1", left_on=AS_OF))
    _run(book, admin, lambda c: record_departure(c, admin, staff_id="O1", left_on=AS_OF))
    with book.connect() as conn:
        queue = handover_queue(conn, as_of=AS_OF, scope=Scope(), config=CFG)
        audit = conn.execute(select(AuditEntry.table_name, AuditEntry.after)).all()
    # O1 is the officer of every loan of the book; only the active ones are queued.
    assert set(queue["loan_id"]) == {"M4", "M2", "M2P", "M3V", "M1", "M1B", "CUR", "OUT"}
    assert set(queue["kind"]) == {"officer"}
    assert [tuple(a) for a in audit] == [("staff", '{"left_on": "2025-03-31"}')]


def test_a_departed_collectors_open_cases_go_to_the_successor_from_the_hand_over_day(book: Engine) -> None:
    with book.begin() as conn:
        conn.execute(
            insert(CollectorAssignment).values(
                assignment_id="OLD", loan_id="M1B", staff_id="C9", assigned_on=D("2025-01-02")
            )
        )
    manager = Actor("m", "manager", branch_id="B1")
    for successor, field in (("C9", "successor_id"), ("O2", "successor_id")):  # the same person; an officer
        with pytest.raises(FormInvalid) as refused:
            _run(
                book,
                manager,
                lambda c, s=successor: hand_over(
                    c, manager, loan_ids=["M1B"], departed_id="C9", successor_id=s, on=ON
                ),
            )
        assert set(refused.value.errors) == {field}
    with pytest.raises(FormInvalid):  # C1 has not left
        _run(
            book,
            manager,
            lambda c: hand_over(c, manager, loan_ids=["M4"], departed_id="C1", successor_id="C2", on=ON),
        )
    with pytest.raises(WorkError) as refused:  # C9 holds M1 neither way
        _run(
            book,
            manager,
            lambda c: hand_over(c, manager, loan_ids=["M1"], departed_id="C9", successor_id="C2", on=ON),
        )
    assert refused.value.key == "alloc.err.not_held"
    _run(
        book,
        manager,
        lambda c: hand_over(c, manager, loan_ids=["M1B"], departed_id="C9", successor_id="C2", on=ON),
    )
    with book.connect() as conn:
        rows = conn.execute(
            select(
                CollectorAssignment.staff_id, CollectorAssignment.assigned_on, CollectorAssignment.ended_on
            )
            .where(CollectorAssignment.loan_id == "M1B")
            .order_by(CollectorAssignment.assigned_on)
        ).all()
    assert [tuple(r) for r in rows] == [("C9", D("2025-01-02"), ON), ("C2", ON, None)]
