"""The demo's NPL disposal work (issue 18), added after the portfolio is loaded: legal cases at every stage
with their timelines on loans handed to legal, restructurings (approved by a second person, and one waiting),
and one write-off waiting for approval, so the Legal, Restructure and Written-off book pages show something.

It reads the loaded book (loans handed to legal, loans in collection) in a fixed order and draws from its own
Random, so the same portfolio gets the same cases; a few small queries, whatever the book's size. The
proposals name the people the demo users are tied to (seed.users): the pending write-off is the demo
asset-preservation officer's, on a loan of their region, and the demo risk manager (head office) can decide
it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy import Connection, Engine, and_, func, insert, select

from dashboard.config import config_from
from dashboard.kpi.money import yuan
from dashboard.work.overrides import loan_class_now
from db.models import (
    Branch,
    CollectionAction,
    LegalCase,
    LegalCaseStage,
    Loan,
    Restructuring,
    RestructuringProposal,
    Staff,
    WriteoffProposal,
)
from db.models.enums import LEGAL_STAGES

# The extract's tables this adds rows to after the generated portfolio is loaded.
ADDED_TABLES = ("legal_cases", "restructurings")
CASES_PER_REGION = 4
RESTRUCTURINGS = 4  # the last one waits for approval
LAWYERS = ("北京市金杜律师事务所", "上海市锦天城律师事务所", "广东广和律师事务所", "湖北今天律师事务所")
SEED_USER = "seed"
_CENT = Decimal("0.01")


def seed_npl(engine: Engine, *, as_of: date, seed: int = 1) -> dict[str, int]:
    """Write the demo's legal cases, restructurings and pending write-off in one transaction; the rows
    written per table."""
    rng = Random(seed * 1_000_003 + 18)
    with engine.begin() as conn:
        counts = {"legal_cases": 0, "legal_case_stages": 0}
        cases = _legal_cases(conn, rng, as_of)
        for case, timeline in cases:
            conn.execute(insert(LegalCase).values(**case))
            conn.execute(insert(LegalCaseStage), timeline)
            counts["legal_cases"] += 1
            counts["legal_case_stages"] += len(timeline)
        counts |= _restructurings(conn, rng, as_of, taken={case["loan_id"] for case, _ in cases})
        counts["writeoff_proposals"] = _pending_writeoff(conn, as_of)
    return counts


def _first_legal_actions(conn: Connection, as_of: date) -> list[tuple[str, str, date, Decimal, str]]:
    """(loan_id, region, first legal action day, principal, branch name) of every loan handed to legal by
    as_of, by region and loan."""
    first = (
        select(CollectionAction.loan_id, func.min(CollectionAction.acted_at).label("first_at"))
        .where(CollectionAction.channel == "legal", CollectionAction.acted_at < _end_of(as_of))
        .group_by(CollectionAction.loan_id)
        .subquery()
    )
    rows = conn.execute(
        select(Loan.loan_id, Branch.parent_id, first.c.first_at, Loan.principal, Branch.name)
        .join(first, first.c.loan_id == Loan.loan_id)
        .join(Branch, Branch.branch_id == Loan.branch_id)
        .order_by(Branch.parent_id, Loan.loan_id)
    ).all()
    return [(r[0], r[1] or "", _day(r[2]), r[3], r[4]) for r in rows]


def _legal_cases(conn: Connection, rng: Random, as_of: date) -> list[tuple[dict, list[dict]]]:
    by_region: dict[str, list[tuple]] = {}
    for row in _first_legal_actions(conn, as_of):
        by_region.setdefault(row[1], []).append(row)
    cases = []
    number = 0
    for region in sorted(by_region):
        loans = by_region[region]
        chosen = rng.sample(loans, min(CASES_PER_REGION, len(loans)))
        for i, (loan_id, _, handed_on, principal, branch_name) in enumerate(sorted(chosen)):
            number += 1
            stage = LEGAL_STAGES[(number + i) % len(LEGAL_STAGES)]
            cases.append(_case(rng, number, loan_id, handed_on, principal, branch_name, stage, as_of))
    return cases


def _case(
    rng: Random,
    number: int,
    loan_id: str,
    handed_on: date,
    principal: Decimal,
    branch_name: str,
    stage: str,
    as_of: date,
) -> tuple[dict, list[dict]]:
    """A case that reached `stage` by as_of, its stages spread between the hand-over to legal and as_of."""
    reached = LEGAL_STAGES.index(stage)
    span = max((as_of - handed_on).days, reached + 1)
    days = sorted(rng.sample(range(span), reached + 1)) if span > reached else list(range(reached + 1))
    entered = [min(handed_on + timedelta(days=d), as_of) for d in days]
    filed_on = entered[1] if reached >= 1 else None
    claimed = (principal * Decimal(rng.randint(85, 105)) / 100).quantize(_CENT)
    awarded = (claimed * Decimal(rng.randint(80, 100)) / 100).quantize(_CENT) if reached >= 2 else None
    recovered = (
        (awarded * Decimal(rng.randint(5, 60)) / 100).quantize(_CENT)
        if awarded is not None and reached >= 3
        else Decimal(0)
    )
    hearing = None
    if stage in ("filed", "judgment") and filed_on is not None:
        # Some hearings fall in the week of as_of, so "hearings this week" has rows.
        hearing = max(
            as_of + timedelta(days=rng.randint(0, 20) if number % 2 else rng.randint(0, 4)), filed_on
        )
    case = {
        "case_id": f"LC{number:05d}",
        "loan_id": loan_id,
        "filed_on": filed_on,
        "court": branch_name.replace("支行", "区人民法院"),
        "case_number": f"({filed_on.year})民初{1000 + number}号" if filed_on else None,
        "stage": stage,
        "claimed": claimed,
        "awarded": awarded,
        "recovered": recovered,
        "costs": (claimed * Decimal(rng.randint(2, 6)) / 100).quantize(_CENT),
        "lawyer": LAWYERS[number % len(LAWYERS)],
        "agency_id": None,
        "next_hearing_on": hearing,
        "note": None,
    }
    timeline = [
        {
            "case_id": case["case_id"],
            "changed_on": on,
            "from_stage": LEGAL_STAGES[n - 1] if n else None,
            "to_stage": LEGAL_STAGES[n],
            "reason": None,
            "username": SEED_USER,
        }
        for n, on in enumerate(entered)
    ]
    return case, timeline


def _restructurings(conn: Connection, rng: Random, as_of: date, taken: set[str]) -> dict[str, int]:
    """Loans in collection in the last four months, not written off and not at law: a few restructured in
    the last year, proposed by their officer and approved by their region's risk manager; the last waits."""
    recent = datetime.combine(as_of - timedelta(days=120), time())
    in_collection = (
        select(CollectionAction.loan_id)
        .where(CollectionAction.acted_at >= recent, CollectionAction.acted_at < _end_of(as_of))
        .distinct()
        .subquery()
    )
    risk = Staff.__table__.alias("risk")
    rows = conn.execute(
        select(Loan.loan_id, Loan.disbursed_on, Loan.officer_id, func.min(risk.c.staff_id))
        .join(in_collection, in_collection.c.loan_id == Loan.loan_id)
        .join(Branch, Branch.branch_id == Loan.branch_id)
        .join(risk, and_(risk.c.branch_id == Branch.parent_id, risk.c.role == "risk_manager"))
        .where(Loan.written_off_on.is_(None), Loan.maturity_on > as_of)
        .group_by(Loan.loan_id, Loan.disbursed_on, Loan.officer_id)
        .order_by(Loan.loan_id)
    ).all()
    candidates = [r for r in rows if r[0] not in taken and r[2] != r[3]]
    chosen = sorted(rng.sample(candidates, min(RESTRUCTURINGS, len(candidates))))
    counts = {"restructurings": 0, "restructuring_proposals": 0}
    for n, (loan_id, disbursed_on, officer_id, risk_id) in enumerate(chosen, start=1):
        first = max(disbursed_on + timedelta(days=30), as_of - timedelta(days=300))
        on = min(first + timedelta(days=rng.randint(0, max((as_of - first).days, 0))), as_of)
        reason = "收入下降，经协商延长期限12个月，按月等额还款"
        proposed_at = datetime.combine(on, time(10, 0))
        proposal = {
            "loan_id": loan_id,
            "restructured_on": on,
            "reason": reason,
            "proposed_by": officer_id,
            "proposed_at": proposed_at,
            "status": "pending",
        }
        if n < len(chosen):
            restructuring_id = f"RS{n:05d}"
            conn.execute(
                insert(Restructuring).values(
                    restructuring_id=restructuring_id, loan_id=loan_id, restructured_on=on, reason=reason
                )
            )
            counts["restructurings"] += 1
            proposal |= {
                "status": "approved",
                "decided_by": risk_id,
                "decided_at": proposed_at + timedelta(hours=26),
                "decision_comment": "还款来源已核实，同意重组",
                "restructuring_id": restructuring_id,
            }
        conn.execute(insert(RestructuringProposal).values(**proposal))
        counts["restructuring_proposals"] += 1
    return counts


def _pending_writeoff(conn: Connection, as_of: date) -> int:
    """One write-off waiting for approval: proposed by the demo asset-preservation officer (the first working
    one, as seed.users picks) on a non-performing loan of their region handed to legal, for its outstanding
    principal on as_of."""
    officer = conn.execute(
        select(Staff.staff_id, Staff.branch_id)
        .where(Staff.role == "asset_preservation", Staff.left_on.is_(None))
        .order_by(Staff.staff_id)
        .limit(1)
    ).first()
    if officer is None:
        return 0
    config = config_from(conn)
    for loan_id, region, _, _, _ in _first_legal_actions(conn, as_of):
        if region != officer.branch_id:
            continue
        written_off = conn.execute(select(Loan.written_off_on).where(Loan.loan_id == loan_id)).scalar()
        now = None if written_off is not None else loan_class_now(conn, loan_id, as_of, config)
        if now is None or now.effective not in ("substandard", "doubtful", "loss") or now.op_cents <= 0:
            continue
        conn.execute(
            insert(WriteoffProposal).values(
                loan_id=loan_id,
                written_off_on=as_of,
                amount=yuan(now.op_cents),
                reason="借款人失联逾一年，诉讼执行终结，无可供执行财产",
                proposed_by=officer.staff_id,
                proposed_at=datetime.combine(as_of, time(16, 30)),
                status="pending",
            )
        )
        return 1
    return 0


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()
