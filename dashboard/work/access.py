"""Who may do what (issue 5's role table) and which loans a user's work may touch, checked on the server.

Pages hide what a role cannot do; these checks run again inside every save, so a loan id typed into a
form or posted directly is refused all the same.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.work.errors import NotAllowed
from db.models import Loan

# action -> roles allowed to do it
PERMISSIONS: dict[str, frozenset[str]] = {
    "visit": frozenset({"risk_manager", "officer"}),
    "inspection": frozenset({"risk_manager", "officer"}),
    "collection_action": frozenset({"officer", "collector", "agency", "asset_preservation"}),
    "issue_edit": frozenset({"risk_manager"}),  # assign, mark reported, reopen
    "issue_resolve": frozenset({"risk_manager", "manager"}),
    # Propose a class (issue 15): officers on their loans, risk managers on their subtree; approve or
    # reject: a risk manager whose subtree covers the loan, never the proposer (dashboard.work.overrides).
    "override": frozenset({"risk_manager", "officer"}),
    "override_approve": frozenset({"risk_manager"}),
    # Answer an early warning (issue 17): the loan's officer, or a risk manager over its branch.
    "warning": frozenset({"risk_manager", "officer"}),
    "bulk_upload": frozenset({"agency", "risk_manager", "asset_preservation"}),
    # Hand out collection work from the overdue list (issue 16): assign, place, recall, end, accept proposals;
    # hand a departed person's loans to a successor (the Staff page's hand-over queue).
    "allocate": frozenset({"risk_manager"}),
    "handover": frozenset({"risk_manager", "manager"}),
    # Credit an uploaded record to someone else: a risk manager keys in the visits of the staff of their
    # branch subtree. Everyone else's records are their own (an agency's are the agency's).
    "credit_others": frozenset({"risk_manager"}),
    "audit_read": frozenset({"manager", "auditor", "admin"}),
    "admin": frozenset({"admin"}),
    "unmask": frozenset({"officer", "collector", "agency", "risk_manager", "asset_preservation"}),
    # The lender's own information: staff names, inspections, visits, classification, management figures.
    # An external agency sees only its placed loans' collection data (dashboard.work.external).
    "see_internal": frozenset(
        {"manager", "risk_manager", "officer", "collector", "auditor", "admin", "asset_preservation"}
    ),
    # NPL disposal (issue 18): legal cases by asset preservation and risk managers; restructurings proposed
    # by officers, risk managers and asset preservation, approved by a risk manager who did not propose.
    "legal_case": frozenset({"asset_preservation", "risk_manager"}),
    "restructure": frozenset({"asset_preservation", "risk_manager", "officer"}),
    "restructure_approve": frozenset({"risk_manager"}),
    # Write-offs (核销): proposed by asset preservation, who run the write-off process (seed 002, the lending
    # centre's rules: 资产(风险)管理人员 "资产核销全流程"), and by risk managers; approved by a risk manager
    # whose subtree covers the loan and who did not propose it (dashboard.work.writeoff).
    "writeoff": frozenset({"asset_preservation", "risk_manager"}),
    "writeoff_approve": frozenset({"risk_manager"}),
}


def can(actor: Actor, action: str) -> bool:
    return actor.role in PERMISSIONS[action]


def require(actor: Actor, action: str) -> None:
    if not can(actor, action):
        raise NotAllowed("work.err.not_allowed", role=actor.role, action=action)


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
