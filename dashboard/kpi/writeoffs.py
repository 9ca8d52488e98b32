"""The written-off book (DOMAIN section 4, "Write-offs"): loans written off on or before D, what was written
off, and what has been recovered since (账销案存: a written-off loan stays on record and is still pursued).

The write-off happens at the end of its day, as every state is "at the end of day D": a repayment ON
written_off_on came before it (it is in OP(written_off_on) and so lowered the amount written off), and only
repayments dated after written_off_on, up to D, are recovered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, Subquery, and_, case, func, or_, select

from dashboard.config import Config
from dashboard.kpi.legal import known_at, legal_stage_of
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from db.models import CollectionAction, LegalCase, Loan, Placement, Repayment
from db.sqlfuncs import cents

WRITEOFF_COLUMNS = [
    "loan_id",
    "branch_id",
    "officer_id",
    "written_off_on",
    "written_off",
    "recovered",
    "recovered_this_year",
    "legal_stage",
    "last_action_at",
    "last_action_channel",
    "pursued",
]


@dataclass(frozen=True)
class WriteoffTotals:
    as_of: date
    loans: int
    written_off: Decimal
    recovered: Decimal
    recovered_this_year: Decimal
    pursued: int


def _book(as_of: date, scope: Scope, config: Config) -> Subquery:
    """One row per loan in scope written off on or before as_of, amounts in cents."""
    paid = cents(Repayment.principal_paid + Repayment.interest_paid)
    year_start = date(as_of.year, 1, 1)
    after = and_(Repayment.paid_on > Loan.written_off_on, Repayment.paid_on <= as_of)
    sums = (
        select(
            Loan.loan_id,
            func.coalesce(
                func.sum(case((Repayment.paid_on <= Loan.written_off_on, cents(Repayment.principal_paid)))), 0
            ).label("paid_before_cents"),
            func.coalesce(func.sum(case((after, paid))), 0).label("recovered_cents"),
            func.coalesce(func.sum(case((and_(after, Repayment.paid_on >= year_start), paid))), 0).label(
                "recovered_year_cents"
            ),
        )
        .select_from(Loan)
        .outerjoin(Repayment, Repayment.loan_id == Loan.loan_id)
        .where(Loan.written_off_on <= as_of, scope.condition())
        .group_by(Loan.loan_id)
        .subquery("sums")
    )
    end = datetime.combine(as_of + timedelta(days=1), time())
    last_action = (
        select(CollectionAction.acted_at)
        .where(CollectionAction.loan_id == Loan.loan_id, CollectionAction.acted_at < end)
        .order_by(CollectionAction.acted_at.desc(), CollectionAction.action_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    last_channel = (
        select(CollectionAction.channel)
        .where(CollectionAction.loan_id == Loan.loan_id, CollectionAction.acted_at < end)
        .order_by(CollectionAction.acted_at.desc(), CollectionAction.action_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    quiet_since = datetime.combine(as_of - timedelta(days=config.pursuit_quiet_days - 1), time())
    open_case = (
        select(LegalCase.case_id)
        .where(LegalCase.loan_id == Loan.loan_id, LegalCase.stage != "closed", known_at(as_of))
        .exists()
    )
    placed = (
        select(Placement.placement_id)
        .where(
            Placement.loan_id == Loan.loan_id,
            Placement.placed_on <= as_of,
            or_(Placement.recalled_on.is_(None), Placement.recalled_on > as_of),
        )
        .exists()
    )
    recent_action = (
        select(CollectionAction.action_id)
        .where(
            CollectionAction.loan_id == Loan.loan_id,
            CollectionAction.acted_at >= quiet_since,
            CollectionAction.acted_at < end,
        )
        .exists()
    )
    return (
        select(
            Loan.loan_id,
            Loan.branch_id,
            Loan.officer_id,
            Loan.written_off_on,
            (cents(Loan.principal) - sums.c.paid_before_cents).label("written_off_cents"),
            sums.c.recovered_cents,
            sums.c.recovered_year_cents,
            legal_stage_of(Loan.loan_id, as_of).label("legal_stage"),
            last_action.label("last_action_at"),
            last_channel.label("last_action_channel"),
            case((or_(open_case, placed, recent_action), 1), else_=0).label("pursued"),
        )
        .join(sums, sums.c.loan_id == Loan.loan_id)
        .subquery("book")
    )


def writeoffs(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> pd.DataFrame:
    """Every loan written off on or before as_of, newest write-off first: written_off (principal written
    off: principal less principal repaid up to and including written_off_on), recovered (principal and
    interest repaid after written_off_on, up to as_of), recovered_this_year (the same from 1 January of
    as_of's year), the stage of its latest legal case, its last collection action up to as_of, and whether
    it is still pursued (an open legal case, an agency holding it, or an action in the last
    `pursuit_quiet_days` days)."""
    book = _book(as_of, scope, config)
    rows = conn.execute(select(book).order_by(book.c.written_off_on.desc(), book.c.loan_id)).all()
    frame = pd.DataFrame(
        [
            (
                r.loan_id,
                r.branch_id,
                r.officer_id,
                r.written_off_on,
                yuan(r.written_off_cents),
                yuan(r.recovered_cents),
                yuan(r.recovered_year_cents),
                r.legal_stage,
                r.last_action_at,
                r.last_action_channel,
                bool(r.pursued),
            )
            for r in rows
        ],
        columns=WRITEOFF_COLUMNS,
    )
    return frame


def writeoff_totals(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> WriteoffTotals:
    """The written-off book of writeoffs() summed: loans, written off, recovered (all since write-off, and
    this year), loans still pursued."""
    book = _book(as_of, scope, config)
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(book.c.written_off_cents), 0),
            func.coalesce(func.sum(book.c.recovered_cents), 0),
            func.coalesce(func.sum(book.c.recovered_year_cents), 0),
            func.coalesce(func.sum(book.c.pursued), 0),
        )
    ).one()
    return WriteoffTotals(as_of, int(row[0]), yuan(row[1]), yuan(row[2]), yuan(row[3]), int(row[4]))
