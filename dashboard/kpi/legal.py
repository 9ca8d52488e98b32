"""Legal cases (DOMAIN section 4, "Legal cases"): the book of cases by stage and age, hearings coming up,
recovered against costs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, literal, or_, select

from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.scope import Scope
from db.models import LegalCase, Loan
from db.models.enums import LEGAL_STAGES
from db.sqlfuncs import cents, days_between


def known_at(as_of: date) -> ColumnElement[bool]:
    """The cases known at as_of: filed on or before it, or still being prepared (no filing date)."""
    return or_(LegalCase.filed_on.is_(None), LegalCase.filed_on <= as_of)


def legal_stage_of(loan_id: ColumnElement[str], as_of: date) -> ColumnElement[str]:
    """The current stage of the loan's latest case known at as_of, as a correlated scalar: an open case
    before a closed one, then the latest filed (one still being prepared, with no filing date, first)."""
    return (
        select(LegalCase.stage)
        .where(LegalCase.loan_id == loan_id, known_at(as_of))
        .order_by(
            (LegalCase.stage == "closed").asc(),
            LegalCase.filed_on.is_(None).desc(),
            LegalCase.filed_on.desc(),
            LegalCase.case_id.desc(),
        )
        .limit(1)
        .scalar_subquery()
    )


AGE_BANDS = (
    ("age_up_to_90", 0, 90),
    ("age_91_180", 91, 180),
    ("age_181_365", 181, 365),
    ("age_over_365", 366, None),
)
BOOK_COLUMNS = [
    "stage",
    "cases",
    *(band for band, _, _ in AGE_BANDS),
    "claimed",
    "awarded",
    "recovered",
    "costs",
    "recovered_to_costs",
]
CASE_COLUMNS = [
    "case_id",
    "loan_id",
    "stage",
    "filed_on",
    "age_days",
    "court",
    "case_number",
    "claimed",
    "awarded",
    "recovered",
    "costs",
    "lawyer",
    "agency_id",
    "next_hearing_on",
]


def _cases(as_of: date, scope: Scope) -> Select[Any]:
    """The cases of loans in scope known at as_of (filed on or before it, or still being prepared), with
    their age in days (none while preparing). Stage and amounts are the case's current ones."""
    age = case((LegalCase.filed_on.is_(None), None), else_=days_between(literal(as_of), LegalCase.filed_on))
    return (
        select(
            LegalCase.case_id,
            LegalCase.loan_id,
            LegalCase.stage,
            LegalCase.filed_on,
            age.label("age_days"),
            LegalCase.court,
            LegalCase.case_number,
            cents(LegalCase.claimed).label("claimed"),
            cents(LegalCase.awarded).label("awarded"),
            cents(LegalCase.recovered).label("recovered"),
            cents(LegalCase.costs).label("costs"),
            LegalCase.lawyer,
            LegalCase.agency_id,
            LegalCase.next_hearing_on,
        )
        .join(Loan, Loan.loan_id == LegalCase.loan_id)
        .where(known_at(as_of), scope.condition())
    )


def legal_book(conn: Connection, *, as_of: date, scope: Scope) -> pd.DataFrame:
    """Cases by stage (in stage order, every stage listed): how many, how many in each age band (days since
    filing), amounts claimed, awarded, recovered and spent, and recovered / costs (empty without costs)."""
    cases = _cases(as_of, scope).subquery("cases")

    def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    bands = []
    for _, low, high in AGE_BANDS:
        condition = cases.c.age_days >= low
        bands.append(count_of(condition if high is None else and_(condition, cases.c.age_days <= high)))
    rows = {
        row[0]: row
        for row in conn.execute(
            select(
                cases.c.stage,
                func.count(),
                *bands,
                func.coalesce(func.sum(cases.c.claimed), 0),
                func.coalesce(func.sum(cases.c.awarded), 0),
                func.coalesce(func.sum(cases.c.recovered), 0),
                func.coalesce(func.sum(cases.c.costs), 0),
            ).group_by(cases.c.stage)
        )
    }
    out = []
    for stage in LEGAL_STAGES:
        row = rows.get(stage)
        if row is None:
            out.append((stage, 0, *(0 for _ in AGE_BANDS), *(yuan(0) for _ in range(4)), None))
            continue
        counts = [int(n) for n in row[1 : 2 + len(AGE_BANDS)]]
        claimed, awarded, recovered, costs = (int(v) for v in row[2 + len(AGE_BANDS) :])
        out.append(
            (
                stage,
                *counts,
                yuan(claimed),
                yuan(awarded),
                yuan(recovered),
                yuan(costs),
                ratio(recovered, costs),
            )
        )
    return pd.DataFrame(out, columns=BOOK_COLUMNS)


def legal_cases(
    conn: Connection, *, as_of: date, scope: Scope, hearings_within_days: int | None = None
) -> pd.DataFrame:
    """The cases of legal_book one by one, oldest filing first (those being prepared last); with
    `hearings_within_days` n, only those with a hearing from as_of to as_of + n - 1 days (a week: 7), by
    hearing date."""
    query = _cases(as_of, scope)
    if hearings_within_days is not None:
        query = query.where(
            LegalCase.next_hearing_on >= as_of,
            LegalCase.next_hearing_on < as_of + timedelta(days=hearings_within_days),
        ).order_by(LegalCase.next_hearing_on, LegalCase.case_id)
    else:
        query = query.order_by(LegalCase.filed_on.is_(None), LegalCase.filed_on, LegalCase.case_id)
    frame = pd.DataFrame(conn.execute(query).all(), columns=CASE_COLUMNS)
    for name in ("claimed", "awarded", "recovered", "costs"):
        frame[name] = [None if pd.isna(v) else yuan(v) for v in frame[name]]
    return frame
