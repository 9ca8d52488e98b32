"""Who may do what (issue 5's role table) and which loans a user's work may touch, checked on the server.

Pages hide what a role cannot do; these checks run again inside every save, so a loan id typed into a
form or posted directly is refused all the same.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Connection, and_, exists, false, or_, select, true

from dashboard import clock
from dashboard.kpi.scope import Dimensions, branch_subtree
from dashboard.work.actor import Actor
from dashboard.work.errors import NotAllowed
from db.models import CollectorAssignment, Loan, Placement

# action -> roles allowed to do it
PERMISSIONS: dict[str, frozenset[str]] = {
    "visit": frozenset({"risk_manager", "officer"}),
    "inspection": frozenset({"risk_manager", "officer"}),
    "collection_action": frozenset({"officer", "collector", "agency"}),
    "issue_edit": frozenset({"risk_manager"}),  # assign, mark reported, reopen
    "issue_resolve": frozenset({"risk_manager", "manager"}),
    "override": frozenset({"risk_manager"}),
    "bulk_upload": frozenset({"agency", "risk_manager"}),
    "audit_read": frozenset({"manager", "auditor", "admin"}),
    "admin": frozenset({"admin"}),
    "unmask": frozenset({"officer", "collector", "agency", "risk_manager"}),
    # The lender's own information: staff names, inspections, visits, classification, management figures.
    # An external agency sees only its placed loans' collection data (dashboard.work.external).
    "see_internal": frozenset({"manager", "risk_manager", "officer", "collector", "auditor", "admin"}),
}


def can(actor: Actor, action: str) -> bool:
    return actor.role in PERMISSIONS[action]


def require(actor: Actor, action: str) -> None:
    if not can(actor, action):
        raise NotAllowed("work.err.not_allowed", role=actor.role, action=action)


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
    if role in ("collector", "agency"):
        return None
    return false()


def loan_condition(actor: Actor, on: date | None = None) -> ColumnElement[bool]:
    """A WHERE condition on the loans table: the loans this user's job covers.

    Collectors see the loans assigned to them, agencies the loans placed with them while placed (on the
    given day, today by default).
    """
    by_dimension = dimension_condition(actor, Loan)
    if by_dimension is not None:
        return by_dimension
    day = on or clock.today()
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


def loan_in_scope(conn: Connection, actor: Actor, loan_id: str, on: date | None = None) -> bool:
    found = conn.execute(
        select(Loan.loan_id).where(Loan.loan_id == loan_id, loan_condition(actor, on))
    ).first()
    return found is not None


def require_loan(conn: Connection, actor: Actor, loan_id: str, on: date | None = None) -> None:
    """Refuse a loan that does not exist or lies outside the user's scope, with the same message for
    both, so probing ids tells nothing."""
    if not loan_in_scope(conn, actor, loan_id, on):
        raise NotAllowed("work.err.loan_out_of_scope", loan_id=loan_id)
