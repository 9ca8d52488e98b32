"""Which loans a user's job covers, as conditions on the loans table or on a table keyed by the loans'
dimensions. The KPI scope (dashboard.kpi.scope) and the saves (dashboard.work.access) both build on these.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true

from dashboard import clock
from dashboard.actor import Actor
from db.models import Branch, CollectionAction, CollectorAssignment, LegalCase, Loan, Placement


class Dimensions(Protocol):
    """What a scope can be a condition on: the loans table, or a table keyed by the loans' dimensions."""

    branch_id: Any
    product_id: Any
    channel_id: Any
    officer_id: Any


def branch_subtree(branch_id: str) -> Select[tuple[str]]:
    """The branch and every branch below it, as a recursive CTE (works on SQLite and PostgreSQL)."""
    tree = select(Branch.branch_id).where(Branch.branch_id == branch_id).cte(recursive=True)
    tree = tree.union_all(select(Branch.branch_id).where(Branch.parent_id == tree.c.branch_id))
    return select(tree.c.branch_id)


def dimension_condition(actor: Actor, columns: Dimensions) -> ColumnElement[bool] | None:
    """The loans this user's job covers as a condition on branch and officer (`columns` being Loan or a table
    keyed by them); None for collectors and agencies, whose cover is a list of loans."""
    role = actor.role
    if role in ("admin", "auditor"):
        return true()
    if role in ("manager", "risk_manager"):
        return columns.branch_id.in_(branch_subtree(actor.branch_id)) if actor.branch_id else true()
    if role == "officer":
        return columns.officer_id == actor.staff_id if actor.staff_id else false()
    if role in ("collector", "agency", "asset_preservation"):
        return None
    return false()


def handed_to_legal_or_written_off(day: date) -> ColumnElement[bool]:
    """The loans asset preservation works on `day` (issue 18): written off on or before it, or handed to
    legal: a legal case, or a collection action on the legal channel, on or before it."""
    # Aliased: the condition lands in queries that read these tables themselves (the legal cases page), whose
    # rows must not be correlated into it.
    cases, actions = LegalCase.__table__.alias("ap_cases"), CollectionAction.__table__.alias("ap_actions")
    legal_case = exists().where(cases.c.loan_id == Loan.loan_id)
    legal_action = exists().where(
        actions.c.loan_id == Loan.loan_id,
        actions.c.channel == "legal",
        actions.c.acted_at < datetime.combine(day + timedelta(days=1), time()),
    )
    return or_(Loan.written_off_on <= day, legal_case, legal_action)


def loan_condition(actor: Actor, on: date | None = None) -> ColumnElement[bool]:
    """A WHERE condition on the loans table: the loans this user's job covers.

    Collectors see the loans assigned to them, agencies the loans placed with them while placed (on the
    given day, today by default), asset preservation the loans of their branch subtree handed to legal or
    written off (handed_to_legal_or_written_off).
    """
    by_dimension = dimension_condition(actor, Loan)
    if by_dimension is not None:
        return by_dimension
    day = on or clock.today()
    if actor.role == "asset_preservation":
        in_branch = Loan.branch_id.in_(branch_subtree(actor.branch_id)) if actor.branch_id else true()
        return and_(in_branch, handed_to_legal_or_written_off(day))
    if actor.role == "collector":
        if not actor.staff_id:
            return false()
        return exists().where(
            CollectorAssignment.loan_id == Loan.loan_id,
            CollectorAssignment.staff_id == actor.staff_id,
            CollectorAssignment.assigned_on <= day,
            or_(CollectorAssignment.ended_on.is_(None), CollectorAssignment.ended_on > day),
        )
    if not actor.agency_id:
        return false()
    return exists().where(
        and_(
            Placement.loan_id == Loan.loan_id,
            Placement.agency_id == actor.agency_id,
            Placement.placed_on <= day,
            or_(Placement.recalled_on.is_(None), Placement.recalled_on > day),
        )
    )
