"""The demo's NPL disposal work (seed.npl, issue 18): legal cases at several stages with their timelines,
restructurings approved by a second person and one waiting, a write-off waiting that the demo risk manager
can approve; every row passes the app's own checks; the same book gets the same rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, delete, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.legal import CaseForm, case_changes
from dashboard.work.writeoff import decide_writeoff, pending_writeoffs
from db.models import (
    LegalCase,
    LegalCaseStage,
    Loan,
    Restructuring,
    RestructuringProposal,
    Staff,
    WriteoffProposal,
)
from seed import iter_chunks, stream_to_database
from seed.npl import seed_npl

AS_OF = date(2025, 6, 30)


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    tables = (LegalCase, LegalCaseStage, Restructuring, RestructuringProposal, WriteoffProposal)
    with engine.connect() as conn:
        return {
            t.__tablename__: sorted(
                tuple(str(v) for k, v in r._mapping.items() if k not in ("change_id", "proposal_id"))
                for r in conn.execute(select(t))
            )
            for t in tables
        }


def _first(engine: Engine, role: str) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            select(Staff.staff_id, Staff.branch_id)
            .where(Staff.role == role, Staff.left_on.is_(None))
            .order_by(Staff.staff_id)
            .limit(1)
        ).one()
    return row.staff_id, row.branch_id


def test_the_demo_gets_cases_restructurings_and_a_write_off_waiting(engine: Engine) -> None:
    stream_to_database(engine, iter_chunks(1500, 5, AS_OF, 500))
    counts = seed_npl(engine, as_of=AS_OF, seed=5)
    first = _rows(engine)
    assert counts == {name: len(rows) for name, rows in first.items()}
    # Deterministic: the same book gets the same rows.
    with engine.begin() as conn:
        for table in (LegalCaseStage, RestructuringProposal, Restructuring, WriteoffProposal, LegalCase):
            conn.execute(delete(table))
    seed_npl(engine, as_of=AS_OF, seed=5)
    assert _rows(engine) == first

    with engine.connect() as conn:
        cases = conn.execute(select(LegalCase)).all()
        stages = {
            r.case_id: r.to_stage
            for r in conn.execute(
                select(LegalCaseStage).order_by(LegalCaseStage.changed_on, LegalCaseStage.change_id)
            )
        }
        proposals = conn.execute(
            select(RestructuringProposal.status, RestructuringProposal.restructuring_id)
        ).all()
    assert len({c.stage for c in cases}) >= 4
    assert stages == {c.case_id: c.stage for c in cases}  # each timeline ends at its case's stage
    assert sorted(p.status for p in proposals).count("pending") == 1
    assert sum(p.status == "approved" and p.restructuring_id is not None for p in proposals) >= 2

    # Every case passes the case form's checks for the head office's risk manager.
    risk_id, risk_branch = _first(engine, "risk_manager")
    risk = Actor("risk", "risk_manager", staff_id=risk_id, branch_id=risk_branch)
    with engine.connect() as conn:
        for c in cases:
            form = CaseForm(
                loan_id=c.loan_id,
                stage=c.stage,
                case_id=c.case_id,
                filed_on=c.filed_on,
                claimed=c.claimed,
                awarded=c.awarded,
                recovered=c.recovered,
                costs=c.costs,
                next_hearing_on=c.next_hearing_on,
            )
            assert case_changes(conn, risk, form, AS_OF, write=False) == []

    # The write-off waits in the demo asset-preservation officer's list and the demo risk manager approves it.
    ap_id, ap_branch = _first(engine, "asset_preservation")
    preservation = Actor("preservation", "asset_preservation", staff_id=ap_id, branch_id=ap_branch)
    with engine.connect() as conn:
        waiting = pending_writeoffs(conn, preservation)
    assert len(waiting) == 1 and waiting.loc[0, "proposed_by"] == ap_id
    proposal_id = int(waiting.loc[0, "proposal_id"])
    decide_writeoff(engine, risk, proposal_id, True, "核实无误", None, Config(), today=AS_OF)
    with engine.connect() as conn:
        loan_id = waiting.loc[0, "loan_id"]
        assert conn.execute(select(Loan.written_off_on).where(Loan.loan_id == loan_id)).scalar_one() == AS_OF
