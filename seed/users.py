"""Demo users: one per role, tied to people and agencies of whatever portfolio the database holds.

Created only while the users table is empty. Each gets a random password, printed once by `postloan seed`
and stored only as a bcrypt hash; POSTLOAN_DEMO_PASSWORD, when set, is used for all of them instead (the
browser tests sign in with it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, case, func, select

from dashboard.actor import Actor
from dashboard.auth.passwords import password_problem
from dashboard.auth.users import NewUser, add_user, has_users, new_password
from dashboard.i18n import translate
from dashboard.usage import UsageError
from db.models import Agency, Branch, CollectorAssignment, Loan, Placement, Staff

SEED_ACTOR = Actor("seed", "admin", name="postloan seed")
DEMO_USERNAMES = ("admin", "manager", "auditor", "risk", "officer", "collector", "agency", "preservation")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    tie: str  # what the user is tied to, for the printed table


def _first(conn: Connection, query) -> str | None:  # type: ignore[no-untyped-def]
    row = conn.execute(query.limit(1)).first()
    return None if row is None else row[0]


def _plan(conn: Connection) -> list[tuple[NewUser, str]]:
    """(user without a password, what it is tied to) for each role the data can support."""
    root = _first(conn, select(Branch.branch_id).where(Branch.parent_id.is_(None)).order_by(Branch.branch_id))
    working = Staff.left_on.is_(None)
    risk = conn.execute(
        select(Staff.staff_id, Staff.name, Staff.branch_id)
        .where(Staff.role == "risk_manager", working)
        .order_by(Staff.staff_id)
        .limit(1)
    ).first()
    officer = _first(
        conn,
        select(Staff.staff_id)
        .join(Loan, Loan.officer_id == Staff.staff_id)
        .where(Staff.role == "account_officer", working)
        .group_by(Staff.staff_id)
        .order_by(func.count().desc(), Staff.staff_id),
    )
    # The collector and the agency with the most open cases (a small book may have none open).
    open_assignment = case(
        (and_(CollectorAssignment.loan_id.is_not(None), CollectorAssignment.ended_on.is_(None)), 1), else_=0
    )
    collector = _first(
        conn,
        select(Staff.staff_id)
        .outerjoin(CollectorAssignment, CollectorAssignment.staff_id == Staff.staff_id)
        .where(Staff.role == "phone_collector", working)
        .group_by(Staff.staff_id)
        .order_by(
            func.sum(open_assignment).desc(), func.count(CollectorAssignment.loan_id).desc(), Staff.staff_id
        ),
    )
    open_placement = case(
        (and_(Placement.placement_id.is_not(None), Placement.recalled_on.is_(None)), 1), else_=0
    )
    agency = _first(
        conn,
        select(Agency.agency_id)
        .outerjoin(Placement, Placement.agency_id == Agency.agency_id)
        .group_by(Agency.agency_id)
        .order_by(
            func.sum(open_placement).desc(), func.count(Placement.placement_id).desc(), Agency.agency_id
        ),
    )
    plan = [
        (NewUser("admin", "Demo administrator", "admin", ""), "users and settings"),
        (NewUser("manager", "Demo manager", "manager", "", branch_id=root), f"branch {root or 'all'}"),
        (NewUser("auditor", "Demo auditor", "auditor", ""), "read-only, audit log"),
    ]
    if risk is not None:
        plan.insert(
            2,
            (
                NewUser(
                    "risk",
                    f"{risk.name} (demo)",
                    "risk_manager",
                    "",
                    staff_id=risk.staff_id,
                    branch_id=risk.branch_id,
                ),
                f"staff {risk.staff_id}, branch {risk.branch_id}",
            ),
        )
    if officer is not None:
        plan.append((NewUser("officer", "Demo officer", "officer", "", staff_id=officer), f"staff {officer}"))
    if collector is not None:
        plan.append(
            (
                NewUser("collector", "Demo collector", "collector", "", staff_id=collector),
                f"staff {collector}",
            )
        )
    if agency is not None:
        plan.append((NewUser("agency", "Demo agency", "agency", "", agency_id=agency), f"agency {agency}"))
    # Asset preservation (issue 18): the written-off and legal book of its branch subtree.
    preservation = conn.execute(
        select(Staff.staff_id, Staff.branch_id)
        .where(Staff.role == "asset_preservation", working)
        .order_by(Staff.staff_id)
        .limit(1)
    ).first()
    if preservation is not None:
        user = NewUser(
            "preservation",
            "Demo asset preservation",
            "asset_preservation",
            "",
            staff_id=preservation.staff_id,
            branch_id=preservation.branch_id,
        )
        plan.append((user, f"staff {preservation.staff_id}, branch {preservation.branch_id}"))
    return plan


def check_demo_password(password: str | None = None, users: list[NewUser] | None = None) -> None:
    """Refuse a POSTLOAN_DEMO_PASSWORD (or password) that the password rules refuse for a demo user (by
    default the users every demo has; the risk manager's name comes from the data)."""
    shared = password or os.environ.get("POSTLOAN_DEMO_PASSWORD") or None
    if not shared:
        return
    for user in users or [NewUser(name, f"Demo {name}", name, "") for name in DEMO_USERNAMES]:
        problem = password_problem(shared, (user.username, user.name))
        if problem:
            text = translate(problem[0], "en", **problem[1])
            raise UsageError(f"POSTLOAN_DEMO_PASSWORD (for the demo user {user.username}): {text}")


def create_demo_users(engine: Engine, password: str | None = None) -> list[DemoUser]:
    """Create the demo users if there are no users at all; returns them with their plain passwords."""
    shared = password or os.environ.get("POSTLOAN_DEMO_PASSWORD") or None
    with engine.connect() as conn:
        if has_users(conn):
            return []
        plan = _plan(conn)
    check_demo_password(password, [user for user, _ in plan])
    created = []
    for user, tie in plan:
        secret = shared or new_password()
        add_user(engine, SEED_ACTOR, NewUser(**{**user.__dict__, "password": secret}))
        created.append(DemoUser(user.username, user.role, secret, tie))
    return created


def demo_users_table(users: list[DemoUser]) -> str:
    shared = os.environ.get("POSTLOAN_DEMO_PASSWORD")
    lines = [
        "demo users (passwords are shown this once and stored only as bcrypt hashes):",
        f"  {'username':<10}  {'role':<12}  {'password':<16}  linked to",
    ]
    for user in users:
        shown = "$POSTLOAN_DEMO_PASSWORD" if shared and user.password == shared else user.password
        lines.append(f"  {user.username:<10}  {user.role:<12}  {shown:<16}  {user.tie}")
    return "\n".join(lines)
