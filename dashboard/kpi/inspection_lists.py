"""Inspections page figures beyond dashboard.kpi.inspections: first checks per officer and month, and the
serious-risk exit list's monthly on-site checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi.inspections import first_check_tasks
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import add_months, month_end, shift_months
from dashboard.kpi.scope import Scope
from db.models import CollectionAction, EarlyWarning, Inspection, Loan, Product, Repayment, ScheduleItem
from db.sqlfuncs import as_date, month_index

HEATMAP_COLUMNS = ["officer_id", "month", "due", "on_time", "on_time_rate"]


def first_checks_by_officer_month(
    conn: Connection, *, year: int, month: int, months: int, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """First checks due per officer and month over `months` months ending with (year, month), in one query.

    Months and officers with nothing due are absent, so the heatmap leaves those cells empty."""
    first = add_months(year, month, -(months - 1))
    tasks = first_check_tasks(date(*first, 1), month_end(year, month), as_of, scope, config)
    ix = month_index(tasks.c.due_on)
    rows = conn.execute(
        select(
            tasks.c.officer_id,
            ix,
            func.count(),
            func.coalesce(func.sum(case((tasks.c.done_on <= tasks.c.due_on, 1), else_=0)), 0),
        )
        .group_by(tasks.c.officer_id, ix)
        .order_by(tasks.c.officer_id, ix)
    ).all()
    return pd.DataFrame(
        [
            (officer, f"{int(m) // 12}-{int(m) % 12 + 1:02d}", due, int(on_time), ratio(int(on_time), due))
            for officer, m, due, on_time in rows
        ],
        columns=HEATMAP_COLUMNS,
    )


@dataclass(frozen=True)
class ExitChecks:
    """The serious-risk exit list of a month (issue 17; DOMAIN rule 5): each loan marked for exit needs an
    on-site inspection in every month it stays on the list."""

    loans: pd.DataFrame  # loan_id, branch_id, officer_id, marked_on, checked_on (None: not yet this month)
    marked: int
    checked: int

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.checked, self.marked)


EXIT_COLUMNS = ["loan_id", "branch_id", "officer_id", "marked_on", "checked_on"]


def exit_checks(conn: Connection, *, year: int, month: int, as_of: date, scope: Scope) -> ExitChecks:
    """The loans marked for exit (an early warning answered "propose exit", dashboard.work.warnings) by the
    end of the month (and by as_of), not written off and with principal outstanding at as_of; checked_on:
    the last on-site inspection from the 1st of the month to min(month end, as_of). Unchecked first."""
    first, last = date(year, month, 1), min(month_end(year, month), as_of)
    marked = (
        select(EarlyWarning.loan_id, func.min(EarlyWarning.responded_on).label("marked_on"))
        .where(EarlyWarning.disposition == "propose_exit", EarlyWarning.responded_on <= last)
        .group_by(EarlyWarning.loan_id)
        .subquery()
    )
    checked = (
        select(func.max(Inspection.done_on))
        .where(
            Inspection.loan_id == marked.c.loan_id,
            Inspection.method == "onsite",
            Inspection.done_on.between(first, last),
        )
        .scalar_subquery()
    )
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == Loan.loan_id, Repayment.paid_on <= as_of)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(marked.c.loan_id, Loan.branch_id, Loan.officer_id, marked.c.marked_on, checked)
        .join(Loan, Loan.loan_id == marked.c.loan_id)
        .where(
            scope.condition(),
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > as_of),
            Loan.principal - repaid > 0.005,
        )
        .order_by(case((checked.is_(None), 0), else_=1), marked.c.marked_on, marked.c.loan_id)
    ).all()
    frame = pd.DataFrame(rows, columns=EXIT_COLUMNS)
    return ExitChecks(frame, len(frame), int(frame["checked_on"].notna().sum()))


DUE_COLUMNS = [
    "loan_id",
    "branch_id",
    "officer_id",
    "product_id",
    "interval_months",
    "last_check",
    "next_due",
    "late",
    "days_late",
]
AMORTISING = ("equal_instalment", "equal_principal")


def next_periodic_check(disbursed_on: date, months: int, last_check: date | None) -> date:
    """The first periodic-check date (disbursed_on + n × months, n ≥ 1) not yet covered: a check on L covers
    the task whose window (t − months, t] holds L (DOMAIN section 4), so the next is the first t whose
    window opens on or after L."""
    n = 1
    while last_check is not None and shift_months(disbursed_on, (n - 1) * months) < last_check:
        n += 1
    return shift_months(disbursed_on, n * months)


def periodic_due_list(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, limit: int = 5000
) -> pd.DataFrame:
    """Per loan active at as_of whose product has a periodic-check interval: its last inspection, the next
    periodic check date and whether it is late (before as_of), late ones first, the latest-due first.
    Art. 45's exemptions, each a setting (1: applies): amortising instalment loans never overdue
    (periodic_exempt_instalment), loans in litigation, with a legal collection action by as_of
    (periodic_exempt_litigation)."""
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == Loan.loan_id, Repayment.paid_on <= as_of)
        .scalar_subquery()
    )
    last_check = (
        select(func.max(Inspection.done_on))
        .where(Inspection.loan_id == Loan.loan_id, Inspection.done_on <= as_of)
        .scalar_subquery()
    )
    query = (
        select(
            Loan.loan_id,
            Loan.branch_id,
            Loan.officer_id,
            Loan.product_id,
            Product.periodic_check_months,
            last_check,
            Loan.disbursed_on,
        )
        .join(Product, Product.product_id == Loan.product_id)
        .where(
            Product.periodic_check_months.is_not(None),
            Loan.disbursed_on <= as_of,
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > as_of),
            Loan.principal - repaid > 0.005,
            scope.condition(),
        )
    )
    if config.periodic_exempt_instalment:
        query = query.where(
            or_(Product.repayment_method.not_in(AMORTISING), _ever_late(as_of)),
        )
    if config.periodic_exempt_litigation:
        query = query.where(
            ~exists().where(
                CollectionAction.loan_id == Loan.loan_id,
                CollectionAction.channel == "legal",
                as_date(CollectionAction.acted_at) <= as_of,
            )
        )
    rows = []
    for loan_id, branch, officer, product, months, last, disbursed in conn.execute(query):
        last_day = _day(last) if last is not None else None
        due = next_periodic_check(_day(disbursed), months, last_day)
        late = due < as_of
        rows.append(
            (
                loan_id,
                branch,
                officer,
                product,
                months,
                last_day,
                due,
                late,
                (as_of - due).days if late else 0,
            )
        )
    rows.sort(key=lambda r: (not r[7], r[6], r[0]))
    return pd.DataFrame(rows[:limit], columns=DUE_COLUMNS)


def _ever_late(as_of: date) -> ColumnElement[bool]:
    """The loan has had an instalment unpaid on its own due date (before as_of)."""
    paid = (
        select(func.coalesce(func.sum(Repayment.principal_paid + Repayment.interest_paid), 0))
        .where(
            Repayment.loan_id == ScheduleItem.loan_id,
            Repayment.instalment_no == ScheduleItem.instalment_no,
            Repayment.paid_on <= ScheduleItem.due_on,
        )
        .scalar_subquery()
    )
    return exists().where(
        ScheduleItem.loan_id == Loan.loan_id,
        ScheduleItem.due_on < as_of,
        ScheduleItem.principal_due + ScheduleItem.interest_due - paid > 0.005,
    )


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
