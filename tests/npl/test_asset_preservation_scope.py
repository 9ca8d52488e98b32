"""The asset_preservation role (issue 18): the loans of its branch subtree handed to legal or written off."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select

from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.auth.users import NewUser, add_user
from dashboard.work.errors import FormInvalid
from db.models import LegalCase, Loan, User
from tests.kpi.book import D, act, loan, reference

AP = Actor("ap", "asset_preservation", staff_id="C1", branch_id="B1")
ADMIN = Actor("admin", "admin")
ONE = [("2024-02-10", "1000", "10")]


def _book(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "W", "1000", "2024-01-10", ONE, written_off_on="2025-01-31")
        loan(conn, "L", "1000", "2024-01-10", ONE)
        loan(conn, "A", "1000", "2024-01-10", ONE)
        loan(conn, "N", "1000", "2024-01-10", ONE)
        loan(conn, "X", "1000", "2024-01-10", ONE, branch="B2", officer="O2", written_off_on="2025-01-31")
        conn.execute(insert(LegalCase).values(case_id="LC1", loan_id="L", stage="preparing"))
        act(conn, "A", "2025-02-03 10:00", "legal", staff="C1")
        act(conn, "N", "2025-02-03 10:00", "call", staff="C1")


def _seen(engine: Engine, actor: Actor, day: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Loan.loan_id).where(loan_condition(actor, D(day))).order_by(Loan.loan_id))
        return list(rows.scalars())


def test_written_off_or_handed_to_legal_in_the_subtree(engine: Engine) -> None:
    _book(engine)
    assert _seen(engine, AP, "2025-02-03") == ["A", "L", "W"]
    # The day before the write-off and the legal action: only the legal case.
    assert _seen(engine, AP, "2025-01-30") == ["L"]
    everywhere = Actor("ap2", "asset_preservation", staff_id="C1")
    assert _seen(engine, everywhere, "2025-02-03") == ["A", "L", "W", "X"]


def test_the_users_page_creates_one_tied_to_a_staff_record(engine: Engine) -> None:
    _book(engine)
    try:
        add_user(engine, ADMIN, NewUser("ap1", "AP", "asset_preservation", "long-enough-1", branch_id="B1"))
    except FormInvalid as exc:
        assert set(exc.errors) == {"staff_id"}
    else:
        raise AssertionError("an asset preservation user without a staff record was saved")
    add_user(
        engine,
        ADMIN,
        NewUser("ap1", "AP", "asset_preservation", "long-enough-1", staff_id="C1", branch_id="B1"),
    )
    with engine.connect() as conn:
        assert conn.execute(select(User.role).where(User.username == "ap1")).scalar() == "asset_preservation"
