"""Write-off proposals (issue 18): proposed by asset preservation or a risk manager, approved by a risk
manager covering the loan who did not propose it; the approval writes the loan off for every figure (the
written-off book, the active book, snapshots) and outlives an import whose loans.csv has not booked it; bad
input is refused with nothing written, and the schema backs the form's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import import_files
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import has_current_snapshot, loan_state
from dashboard.kpi.writeoffs import writeoffs
from dashboard.work.errors import FormInvalid, NotAllowed, StaleRecord
from dashboard.work.writeoff import decide_writeoff, pending_writeoffs, propose_writeoff, writeoff_history
from db.models import AuditEntry, Loan, Staff, WriteoffProposal
from tests.kpi.book import D, act, loan, pay, reference

CONFIG = Config()
AP = Actor("ap", "asset_preservation", name="AP", staff_id="AP1", branch_id="B1")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RM2 = Actor("r2", "risk_manager", name="R2", staff_id="R2", branch_id="HQ")
RM_B2 = Actor("r3", "risk_manager", name="R3", staff_id="R3", branch_id="B2")
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
DATA_DATE = D("2024-08-31")
THREE = [("2024-02-10", "1000", "10"), ("2024-03-10", "1000", "10"), ("2024-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """N (B11): 3,000 in three instalments, the first paid, unpaid from 2024-03-10 (over 90 DPD from
    2024-06-09), handed to legal on 2024-06-01. G: paid up, handed to legal. X: as N in B2. W: written off
    2024-06-30."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff),
            [
                {"staff_id": s, "name": s, "role": r, "branch_id": b, "joined_on": D("2015-01-01")}
                for s, r, b in (
                    ("AP1", "asset_preservation", "B1"),
                    ("R2", "risk_manager", "HQ"),
                    ("R3", "risk_manager", "B2"),
                )
            ],
        )
        loan(conn, "N", "3000", "2024-01-10", THREE)
        pay(conn, "N", 1, "2024-02-10", "1000", "10")
        loan(conn, "G", "3000", "2024-01-10", THREE)
        for n, day in enumerate(("2024-02-10", "2024-03-10", "2024-04-10"), start=1):
            pay(conn, "G", n, day, "1000", "10")
        loan(conn, "X", "3000", "2024-01-10", THREE, branch="B2", officer="O2")
        loan(conn, "W", "3000", "2024-01-10", THREE, written_off_on="2024-06-30")
        for loan_id in ("N", "G", "X", "W"):
            act(conn, loan_id, "2024-06-01 10:00", "legal", staff="AP1")
    return engine


def _propose(engine: Engine, actor: Actor = AP, loan_id: str = "N", **changes: object) -> int:
    values: dict[str, object] = {"on": D("2024-07-31"), "amount": "2000", "reason": "borrower bankrupt"}
    values |= changes
    saved = propose_writeoff(
        engine,
        actor,
        loan_id,
        values["on"],  # type: ignore[arg-type]
        values["amount"],  # type: ignore[arg-type]
        values["reason"],  # type: ignore[arg-type]
        f"t-{actor.username}-{loan_id}-{values}",
        CONFIG,
        today=DATA_DATE,
    )
    return int(saved.record_key)


def _decide(
    engine: Engine, actor: Actor, proposal_id: int, approve: bool = True, comment: str = "ok"
) -> None:
    decide_writeoff(
        engine, actor, proposal_id, approve, comment, f"d-{actor.username}-{approve}", CONFIG, today=DATA_DATE
    )


def _written_off_on(engine: Engine, loan_id: str = "N"):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(Loan.written_off_on).where(Loan.loan_id == loan_id)).scalar_one()


def _proposals(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(WriteoffProposal.loan_id, WriteoffProposal.status).order_by(WriteoffProposal.proposal_id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_proposed_by_asset_preservation_and_approved_by_a_risk_manager(book: Engine) -> None:
    proposal_id = _propose(book)
    with book.connect() as conn:
        assert list(pending_writeoffs(conn, RM).loan_id) == ["N"]
        assert writeoffs(conn, as_of=D("2024-08-31"), scope=Scope(), config=CONFIG).loan_id.tolist() == ["W"]
    assert _written_off_on(book) is None  # nothing until approved
    _decide(book, RM, proposal_id, comment="bankruptcy closed, nothing left")
    assert _written_off_on(book) == D("2024-07-31")
    with book.connect() as conn:
        book_now = writeoffs(conn, as_of=D("2024-08-31"), scope=Scope(), config=CONFIG).set_index("loan_id")
        assert pending_writeoffs(conn, RM).empty
        audited = conn.execute(
            select(AuditEntry.table_name, AuditEntry.record_key)
            .where(AuditEntry.action != "unmask")
            .order_by(AuditEntry.entry_id)
        ).all()
        history = writeoff_history(conn, "N")
    # Written off as the extract's write-offs are: principal less principal repaid up to the day.
    assert book_now.loc["N", "written_off"] == Decimal("2000.00")
    assert [tuple(a) for a in audited] == [
        ("writeoff_proposals", str(proposal_id)),
        ("writeoff_proposals", str(proposal_id)),
        ("loans", "N"),
    ]
    assert history[["status", "proposed_by", "decided_by"]].values.tolist() == [["approved", "AP1", "R1"]]
    assert history.loc[0, "decision_comment"] == "bankruptcy closed, nothing left"


def test_a_repayment_after_the_approved_day_is_a_recovery(book: Engine) -> None:
    _decide(book, RM, _propose(book))
    with book.begin() as conn:
        pay(conn, "N", None, "2024-07-31", "100")  # on the day: before the write-off
        pay(conn, "N", None, "2024-08-01", "50", "5")
    with book.connect() as conn:
        row = (
            writeoffs(conn, as_of=D("2024-08-31"), scope=Scope(), config=CONFIG).set_index("loan_id").loc["N"]
        )
    assert (row["written_off"], row["recovered"]) == (Decimal("1900.00"), Decimal("55.00"))


def test_the_approval_brings_the_snapshots_up_to_date(book: Engine) -> None:
    days = [D("2024-07-30"), D("2024-07-31")]
    with book.begin() as conn:
        refresh(conn, dates=days)
    _decide(book, RM, _propose(book))
    with book.connect() as conn:
        assert all(has_current_snapshot(conn, as_of=d) for d in days)
        active = []
        for day in days:
            state = loan_state(day, Scope(), CONFIG, conn=conn)
            active.append(
                conn.execute(select(state.c.loan_id).where(state.c.loan_id == "N")).first() is not None
            )
    assert active == [True, False]  # written off at the end of 2024-07-31


def test_the_proposer_cannot_approve_and_a_rejection_writes_nothing_off(book: Engine) -> None:
    proposal_id = _propose(book, RM)
    with pytest.raises(FormInvalid) as refused:
        _decide(book, RM, proposal_id)
    assert set(refused.value.errors) == {"decision"}
    with pytest.raises(FormInvalid) as blank:
        _decide(book, RM2, proposal_id, comment="  ")
    assert set(blank.value.errors) == {"comment"}
    assert _proposals(book) == [("N", "pending")]
    _decide(book, RM2, proposal_id, approve=False, comment="legal case still running")
    assert _proposals(book) == [("N", "rejected")]
    assert _written_off_on(book) is None
    with pytest.raises(StaleRecord):
        _decide(book, RM2, proposal_id)


def test_only_a_risk_manager_covering_the_loan_decides(book: Engine) -> None:
    proposal_id = _propose(book)
    for outsider in (RM_B2, AP, OFFICER):
        with pytest.raises(NotAllowed):
            _decide(book, outsider, proposal_id)
    assert _proposals(book) == [("N", "pending")]


@pytest.mark.parametrize(
    ("actor", "loan_id", "changes", "field"),
    [
        (AP, "N", {"amount": "2000.01"}, "amount"),  # above the outstanding principal on the day
        (AP, "N", {"amount": "0"}, "amount"),
        (AP, "N", {"reason": " "}, "reason"),
        (AP, "N", {"on": D("2024-09-01")}, "written_off_on"),  # after the data date
        (AP, "N", {"on": D("2024-01-09")}, "written_off_on"),  # before disbursement
        (AP, "N", {"on": D("2024-05-31")}, "loan_id"),  # 82 DPD: special mention, not an NPL yet
        (AP, "G", {}, "loan_id"),  # repaid
        (AP, "W", {}, "loan_id"),  # already written off
        (RM, "W", {}, "loan_id"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(
    book: Engine, actor: Actor, loan_id: str, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(FormInvalid) as refused:
        _propose(book, actor, loan_id, **changes)
    assert field in refused.value.errors
    assert _proposals(book) == []


def test_out_of_scope_or_another_role_is_not_allowed(book: Engine) -> None:
    for actor, loan_id in ((AP, "X"), (RM, "X"), (OFFICER, "N"), (AP, "NOPE")):
        with pytest.raises(NotAllowed):
            _propose(book, actor, loan_id)
    assert _proposals(book) == []


def test_one_proposal_waits_per_loan_and_approval_rechecks_the_balance(book: Engine) -> None:
    proposal_id = _propose(book)
    with pytest.raises(FormInvalid) as second:
        _propose(book, RM, amount="1500")
    assert set(second.value.errors) == {"loan_id"}
    # A repayment imported since, dated before the write-off day, leaves less than the amount proposed.
    with book.begin() as conn:
        pay(conn, "N", None, "2024-07-15", "300")
    with pytest.raises(FormInvalid) as refused:
        _decide(book, RM, proposal_id)
    assert set(refused.value.errors) == {"decision"}
    assert _written_off_on(book) is None
    assert _proposals(book) == [("N", "pending")]


def test_the_schema_backs_the_rules(book: Engine) -> None:
    base = {
        "loan_id": "N",
        "written_off_on": D("2024-07-31"),
        "amount": Decimal("100"),
        "reason": "x",
        "proposed_by": "AP1",
        "proposed_at": D("2024-08-01"),
        "status": "pending",
    }
    decided = {"decided_at": D("2024-08-02"), "decision_comment": "ok"}
    bad = [
        base | {"status": "approved", "decided_by": "AP1"} | decided,  # the proposer approves
        base | {"status": "maybe"},
        base | {"amount": Decimal("0")},
        base | {"reason": "  "},
        base | {"status": "rejected", "decided_by": "R1", "decided_at": D("2024-08-02")},  # no comment
    ]
    for values in bad:
        with pytest.raises(IntegrityError), book.begin() as conn:
            conn.execute(insert(WriteoffProposal).values(**values))
    with book.begin() as conn:
        conn.execute(insert(WriteoffProposal).values(**base))
    with pytest.raises(IntegrityError), book.begin() as conn:
        conn.execute(insert(WriteoffProposal).values(**base))  # a second pending proposal
    approved = base | {"status": "approved", "decided_by": "R1"} | decided
    with book.begin() as conn:
        conn.execute(update(WriteoffProposal).values(**approved))
    with pytest.raises(IntegrityError), book.begin() as conn:
        conn.execute(insert(WriteoffProposal).values(**approved))  # written off twice
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WriteoffProposal)).scalar_one() == 1


LOANS = (
    "loan_id,customer_id,product_id,branch_id,officer_id,channel_id,principal,annual_rate,term_months,"
    "disbursed_on,maturity_on,payment_mode,written_off_on\n"
)


def _loans_csv(written_off_on: str) -> str:
    return LOANS + f"N,K1,P1,B11,O1,CH1,3000,0.12,3,2024-01-10,2024-04-10,entrusted,{written_off_on}\n"


def test_the_import_keeps_an_approved_write_off_until_the_extract_books_one(book: Engine) -> None:
    _decide(book, RM, _propose(book))
    import_files(book, {"loans.csv": _loans_csv("")})  # the core system has not booked it yet
    assert _written_off_on(book) == D("2024-07-31")
    with book.connect() as conn:
        frame = writeoffs(conn, as_of=D("2024-08-31"), scope=Scope(), config=CONFIG)
    assert sorted(frame.loan_id) == ["N", "W"]
    import_files(book, {"loans.csv": _loans_csv("2024-08-05")})  # booked: the core system's day wins
    assert _written_off_on(book) == D("2024-08-05")
    # A loan never written off in the app is not touched by a blank.
    import_files(book, {"loans.csv": _loans_csv("").replace("N,K1", "G,K1")})
    assert _written_off_on(book, "G") is None


def test_a_restructuring_row_after_an_approved_write_off_is_refused_on_import(book: Engine) -> None:
    from dashboard.importer import ExtractInvalid

    _decide(book, RM, _propose(book))
    files = {
        "loans.csv": _loans_csv(""),
        "restructurings.csv": "restructuring_id,loan_id,restructured_on,reason\nRS1,N,2024-08-10,new terms\n",
    }
    with pytest.raises(ExtractInvalid) as refused:
        import_files(book, files)
    assert [p.column for p in refused.value.problems] == ["loan_id"]
