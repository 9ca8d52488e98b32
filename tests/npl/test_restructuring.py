"""Restructuring (issue 18): the restructured floor in the class derivation inside and after the observation
period (the day before and the day of the anniversary), live and from snapshots; proposals with a second
approver (self-approval refused); a written-off loan cannot be restructured; the figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, select

from dashboard.actor import Actor
from dashboard.auth.settings import set_setting
from dashboard.config import Config
from dashboard.kpi.migration import migration_movers
from dashboard.kpi.restructurings import restructured_figures, restructured_loans
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import class_name, has_current_snapshot, loan_state
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.restructuring import decide_restructuring, pending_restructurings, propose_restructuring
from db.models import AuditEntry, Restructuring, RestructuringProposal, Setting, Staff
from tests.kpi.book import D, loan, override, pay, reference

CONFIG = Config()
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RM2 = Actor("r2", "risk_manager", name="R2", staff_id="R2", branch_id="HQ")
MONTHLY = [("2024-02-10", "1000", "10"), ("2024-03-10", "1000", "10"), ("2026-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """S: restructured 2024-03-15, paid up to date (normal by DPD). W: written off 2024-06-30."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff).values(
                staff_id="R2", name="R2", role="risk_manager", branch_id="HQ", joined_on=D("2015-01-01")
            )
        )
        loan(conn, "S", "3000", "2024-01-10", MONTHLY)
        pay(conn, "S", 1, "2024-02-10", "1000", "10")
        pay(conn, "S", 2, "2024-03-10", "1000", "10")
        loan(conn, "W", "1000", "2024-01-10", [("2024-02-10", "1000", "10")], written_off_on="2024-06-30")
    return engine


def _restructure(engine: Engine, loan_id: str = "S", on: str = "2024-03-15") -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Restructuring).values(
                restructuring_id=f"RS-{loan_id}", loan_id=loan_id, restructured_on=D(on), reason="new terms"
            )
        )


def _class(engine: Engine, day: str, loan_id: str = "S") -> str:
    with engine.connect() as conn:
        state = loan_state(D(day), Scope(), CONFIG, conn=conn)
        rank = conn.execute(select(state.c.class_ix).where(state.c.loan_id == loan_id)).scalar_one()
    return class_name(rank)


def test_substandard_from_the_restructuring_day_to_the_day_before_its_anniversary(book: Engine) -> None:
    _restructure(book)
    assert _class(book, "2024-03-14") == "normal"
    assert _class(book, "2024-03-15") == "substandard"
    assert _class(book, "2025-03-14") == "substandard"
    assert _class(book, "2025-03-15") == "normal"  # falls back to its DPD floor


def test_the_same_from_snapshots(book: Engine) -> None:
    _restructure(book)
    days = [D("2024-03-14"), D("2025-03-14"), D("2025-03-15")]
    with book.begin() as conn:
        refresh(conn, dates=days)
    with book.connect() as conn:
        assert all(has_current_snapshot(conn, as_of=d) for d in days)
    assert [_class(book, str(d)) for d in days] == ["normal", "substandard", "normal"]


def test_a_worse_override_or_dpd_floor_still_wins_and_the_period_is_a_setting(book: Engine) -> None:
    _restructure(book)
    with book.begin() as conn:
        override(conn, "S", "2024-04-01", "doubtful")
    assert _class(book, "2024-04-01") == "doubtful"
    with book.begin() as conn:
        conn.execute(insert(Setting).values(key="restructured_observation_months", value="6"))
    assert _class(book, "2024-09-14") == "doubtful"
    assert _class(book, "2024-03-31") == "substandard"


def test_six_month_setting_moves_the_end(book: Engine) -> None:
    _restructure(book)
    with book.begin() as conn:
        conn.execute(insert(Setting).values(key="restructured_observation_months", value="6"))
    assert _class(book, "2024-09-14") == "substandard"
    assert _class(book, "2024-09-15") == "normal"


def test_propose_and_approve_by_another_risk_manager(book: Engine) -> None:
    saved = propose_restructuring(
        book, OFFICER, "S", D("2024-03-15"), "income fell", "t1", today=D("2024-03-20")
    )
    proposal_id = int(saved.record_key)
    with pytest.raises(FormInvalid) as second:
        propose_restructuring(book, RM, "S", D("2024-03-16"), "again", "t2", today=D("2024-03-20"))
    assert set(second.value.errors) == {"loan_id"}
    with book.connect() as conn:
        assert list(pending_restructurings(conn, RM).loan_id) == ["S"]
    with pytest.raises(NotAllowed):
        decide_restructuring(book, OFFICER, proposal_id, True, "ok", "t3")  # not an approver
    assert _class(book, "2024-03-20") == "normal"  # nothing until approved
    decide_restructuring(book, RM, proposal_id, True, "terms checked", "t4")
    assert _class(book, "2024-03-20") == "substandard"
    with book.connect() as conn:
        status = conn.execute(select(RestructuringProposal.status)).scalar_one()
        audited = conn.execute(
            select(AuditEntry.table_name).where(AuditEntry.action != "unmask").order_by(AuditEntry.entry_id)
        ).scalars()
        assert list(audited) == ["restructuring_proposals", "restructuring_proposals", "restructurings"]
    assert status == "approved"


def test_the_proposer_cannot_approve(book: Engine) -> None:
    saved = propose_restructuring(book, RM, "S", D("2024-03-15"), "income fell", "t1", today=D("2024-03-20"))
    with pytest.raises(FormInvalid) as refused:
        decide_restructuring(book, RM, int(saved.record_key), True, "mine", "t2")
    assert set(refused.value.errors) == {"decision"}
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Restructuring)).scalar_one() == 0
    decide_restructuring(book, RM2, int(saved.record_key), False, "not viable", "t3")
    with book.connect() as conn:
        assert conn.execute(select(RestructuringProposal.status)).scalar_one() == "rejected"
        assert conn.execute(select(func.count()).select_from(Restructuring)).scalar_one() == 0


def test_a_written_off_loan_cannot_be_restructured(book: Engine) -> None:
    with pytest.raises(FormInvalid) as refused:
        propose_restructuring(book, RM, "W", D("2024-06-30"), "x", "t1", today=D("2024-07-01"))
    assert set(refused.value.errors) == {"restructured_on"}
    with pytest.raises(FormInvalid) as blank:
        propose_restructuring(book, RM, "S", D("2024-03-15"), "  ", "t2", today=D("2024-03-20"))
    assert set(blank.value.errors) == {"reason"}
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RestructuringProposal)).scalar_one() == 0


def test_figures_restructured_balance_and_redefaults(book: Engine) -> None:
    _restructure(book)
    with book.connect() as conn:
        figures = restructured_figures(conn, as_of=D("2024-03-20"), scope=Scope(), config=CONFIG)
        assert restructured_figures(conn, as_of=D("2025-03-15"), scope=Scope(), config=CONFIG).loans == 0
        listed = restructured_loans(conn, as_of=D("2024-03-20"), scope=Scope(), config=CONFIG)
    assert (figures.loans, figures.balance, figures.redefaulted) == (1, Decimal("1000.00"), 0)
    assert list(listed.observed_until) == [D("2025-03-14")]


def test_a_loan_past_due_on_a_new_instalment_has_redefaulted(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "R", "2000", "2024-01-10", [("2024-02-10", "1000", "0"), ("2024-05-10", "1000", "0")])
        loan(conn, "O", "2000", "2024-01-10", [("2024-02-10", "1000", "0"), ("2024-05-10", "1000", "0")])
    _restructure(engine, "R", "2024-03-01")  # the 2024-02-10 instalment unpaid before, 2024-05-10 after
    with engine.begin() as conn:
        pay(conn, "R", 1, "2024-03-01", "1000")
    _restructure(engine, "O", "2024-03-01")  # O never cured its old arrears: not a re-default
    with engine.connect() as conn:
        figures = restructured_figures(conn, as_of=D("2024-05-11"), scope=Scope(), config=CONFIG)
    assert (figures.loans, figures.redefaulted, figures.redefaulted_balance) == (2, 1, Decimal("1000.00"))


def test_changing_the_observation_period_makes_the_snapshots_stale(book: Engine) -> None:
    _restructure(book)
    with book.begin() as conn:
        refresh(conn, dates=[D("2024-09-20")])
    assert _class(book, "2024-09-20") == "substandard"
    set_setting(book, Actor("admin", "admin"), "restructured_observation_months", "6")
    with book.connect() as conn:
        assert not has_current_snapshot(conn, as_of=D("2024-09-20"))
    assert _class(book, "2024-09-20") == "normal"


def test_the_class_migration_names_the_restructuring_as_the_cause(book: Engine) -> None:
    _restructure(book)
    with book.connect() as conn:
        entered = migration_movers(
            conn, year=2024, month=3, as_of=D("2025-12-31"), scope=Scope(), config=CONFIG
        )
        left = migration_movers(conn, year=2025, month=3, as_of=D("2025-12-31"), scope=Scope(), config=CONFIG)
    s = entered.set_index("loan_id").loc["S"]
    assert (s.from_class, s.to_class, s.cause) == ("normal", "substandard", "restructuring")
    s = left.set_index("loan_id").loc["S"]
    assert (s.from_class, s.to_class, s.cause) == ("substandard", "normal", "restructuring")
