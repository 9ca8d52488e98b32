"""Asset-preservation assessment (DOMAIN section 4, "Asset preservation"; seed 002, the Wuhan rules 四(2)):
asset-preservation staff collect the loans that became non-performing before the cut-off date and the
written-off loans, and are judged by the amount actually recovered in the year against a target, per person
and per branch; each branch has an NPL reduction target for the year.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select

from dashboard.config import Config
from dashboard.kpi.money import ratio, yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import NPL_RANK, loan_state
from db.models import CollectorAssignment, Loan, Repayment, Staff
from db.sqlfuncs import cents

PERSON_COLUMNS = ["staff_id", "name", "branch_id", "loans", "recovered", "target", "progress"]
BRANCH_COLUMNS = ["branch_id", "staff", "recovered", "target", "progress"]
REDUCTION_COLUMNS = ["branch_id", "npl_at_start", "npl_now", "reduction", "target", "progress"]


def _npl_at_cutoff(conn: Connection, config: Config) -> Select[tuple[str]]:
    """The loans non-performing (substandard or worse) at the cut-off date."""
    state = loan_state(config.staff_cutoff, Scope(), config, conn=conn)
    return select(state.c.loan_id).where(state.c.class_ix >= NPL_RANK)


def _in_pool(conn: Connection, config: Config) -> ColumnElement[bool]:
    """A repayment the assessment counts: on a loan non-performing at the cut-off date, or after its
    write-off day (as recovered in dashboard.kpi.writeoffs)."""
    return or_(
        Repayment.loan_id.in_(_npl_at_cutoff(conn, config)),
        and_(Loan.written_off_on.is_not(None), Repayment.paid_on > Loan.written_off_on),
    )


def recovery_by_person(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> pd.DataFrame:
    """Each asset-preservation officer: recovered from 1 January of as_of's year to as_of on pool loans while
    assigned to them (an assignment holds the loan from assigned_on up to, not including, ended_on), against
    the yearly target `asset_preservation_recovery_target`."""
    start = date(as_of.year, 1, 1)
    a = CollectorAssignment
    since = case((a.assigned_on > start, a.assigned_on), else_=start)
    until = case(
        (and_(a.ended_on.is_not(None), a.ended_on <= as_of), a.ended_on), else_=as_of + timedelta(days=1)
    )
    # Correlated with the assignment and its loan (the enclosing query joins the loan).
    recovered = (
        select(func.coalesce(func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)), 0))
        .where(
            Repayment.loan_id == a.loan_id,
            Repayment.paid_on >= since,
            Repayment.paid_on < until,
            _in_pool(conn, config),
        )
        .scalar_subquery()
    )
    assigned = (
        select(a.staff_id, a.loan_id, recovered.label("recovered"))
        .join(Loan, Loan.loan_id == a.loan_id)
        .where(a.assigned_on <= as_of, or_(a.ended_on.is_(None), a.ended_on > start), scope.condition())
        .subquery("assigned")
    )
    rows = conn.execute(
        select(
            Staff.staff_id,
            Staff.name,
            Staff.branch_id,
            func.count(func.distinct(assigned.c.loan_id)),
            func.coalesce(func.sum(assigned.c.recovered), 0),
        )
        .outerjoin(assigned, assigned.c.staff_id == Staff.staff_id)
        .where(Staff.role == "asset_preservation", or_(Staff.left_on.is_(None), Staff.left_on >= start))
        .group_by(Staff.staff_id, Staff.name, Staff.branch_id)
        .order_by(Staff.staff_id)
    ).all()
    target = config.asset_preservation_recovery_target
    return pd.DataFrame(
        [(s, n, b, int(c), yuan(r), target, ratio(yuan(r), target)) for s, n, b, c, r in rows],
        columns=PERSON_COLUMNS,
    )


def recovery_by_branch(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> pd.DataFrame:
    """Each branch (the loan's own): recovered from 1 January of as_of's year to as_of on pool loans, by
    whoever collected it, against the targets of the branch's asset-preservation staff summed."""
    start = date(as_of.year, 1, 1)
    recovered = dict(
        conn.execute(
            select(Loan.branch_id, func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)))
            .join(Loan, Loan.loan_id == Repayment.loan_id)
            .where(
                Repayment.paid_on >= start,
                Repayment.paid_on <= as_of,
                _in_pool(conn, config),
                scope.condition(),
            )
            .group_by(Loan.branch_id)
        ).all()
    )
    staff = dict(
        conn.execute(
            select(Staff.branch_id, func.count())
            .where(Staff.role == "asset_preservation", or_(Staff.left_on.is_(None), Staff.left_on >= start))
            .group_by(Staff.branch_id)
        ).all()
    )
    out = []
    for branch in sorted(set(recovered) | (set(staff) if scope.is_everything else set())):
        amount, people = yuan(recovered.get(branch, 0)), int(staff.get(branch, 0))
        target = config.asset_preservation_recovery_target * people
        out.append((branch, people, amount, target, ratio(amount, target)))
    return pd.DataFrame(out, columns=BRANCH_COLUMNS)


def npl_reduction(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> pd.DataFrame:
    """Each branch (the loan's own): NPL balance at the end of the previous year and at as_of, the reduction
    (a write-off, a recovery or a cure all reduce it) against the target `npl_reduction_target` x the NPL
    balance at the start; progress is empty when there was no NPL to reduce."""
    year_start = date(as_of.year, 1, 1) - timedelta(days=1)

    def npl(day: date) -> dict[str, int]:
        state = loan_state(day, scope, config, conn=conn)
        return {
            branch: int(total)
            for branch, total in conn.execute(
                select(state.c.branch_id, func.sum(state.c.op_cents))
                .where(state.c.class_ix >= NPL_RANK)
                .group_by(state.c.branch_id)
            )
        }

    before, now = npl(year_start), npl(as_of)
    out = []
    for branch in sorted(set(before) | set(now)):
        start_npl, now_npl = yuan(before.get(branch, 0)), yuan(now.get(branch, 0))
        target = (start_npl * config.npl_reduction_target).quantize(start_npl)
        reduction = start_npl - now_npl
        out.append((branch, start_npl, now_npl, reduction, target, ratio(reduction, target)))
    return pd.DataFrame(out, columns=REDUCTION_COLUMNS)
