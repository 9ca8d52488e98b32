"""Legal cases (DOMAIN section 4, "Legal cases"): the book of cases by stage and age, hearings coming up,
recovered against costs."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from db.models import LegalCase


def legal_stage_of(loan_id: ColumnElement[str]) -> ColumnElement[str]:
    """The stage of the loan's latest case, as a correlated scalar: an open case before a closed one, then
    the latest filed (one still being prepared, with no filing date, first)."""
    return (
        select(LegalCase.stage)
        .where(LegalCase.loan_id == loan_id)
        .order_by(
            (LegalCase.stage == "closed").asc(),
            LegalCase.filed_on.is_(None).desc(),
            LegalCase.filed_on.desc(),
            LegalCase.case_id.desc(),
        )
        .limit(1)
        .scalar_subquery()
    )
