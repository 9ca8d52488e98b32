"""Reminder coverage (issue 17): of the instalments, maturities and first overdues in a period, the share
reminded in time (a reminder on or before the due date; for a first overdue, a reminder or a visit since)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select, union_all

from dashboard.config import Config
from dashboard.kpi.money import ratio
from dashboard.kpi.scope import Scope
from db.models import EarlyWarning, Loan, Product, Reminder, Repayment, ScheduleItem, Visit
from db.models.enums import REMINDER_KINDS

COLUMNS = ["kind", "items", "reminded", "coverage"]
CENT = 0.005


def reminder_items(conn: Connection, *, start: date, end: date, config: Config) -> tuple[object, ...]:
    """The three kinds of items as selects of (kind, loan_id, due_on, amount) over due dates in [start, end]:
    instalments of amortising loans unpaid on start, bullet loans' maturities while outstanding, and the
    first overdues (early warnings of that kind) to revisit. Shared by the list and the coverage figure."""
    paid = (
        select(func.coalesce(func.sum(Repayment.principal_paid + Repayment.interest_paid), 0))
        .where(
            Repayment.loan_id == ScheduleItem.loan_id,
            Repayment.instalment_no == ScheduleItem.instalment_no,
            Repayment.paid_on < start,
        )
        .scalar_subquery()
    )
    owed = ScheduleItem.principal_due + ScheduleItem.interest_due - paid
    instalments = (
        select(
            literal("instalment").label("kind"),
            ScheduleItem.loan_id.label("loan_id"),
            ScheduleItem.due_on.label("due_on"),
            owed.label("amount"),
        )
        .join(Loan, Loan.loan_id == ScheduleItem.loan_id)
        .join(Product, Product.product_id == Loan.product_id)
        .where(
            ScheduleItem.due_on.between(start, end),
            Product.repayment_method != "bullet",
            Loan.written_off_on.is_(None),
            owed > CENT,
        )
    )
    repaid = (
        select(func.coalesce(func.sum(Repayment.principal_paid), 0))
        .where(Repayment.loan_id == Loan.loan_id, Repayment.paid_on < start)
        .scalar_subquery()
    )
    maturities = (
        select(
            literal("maturity").label("kind"),
            Loan.loan_id.label("loan_id"),
            Loan.maturity_on.label("due_on"),
            (Loan.principal - repaid).label("amount"),
        )
        .join(Product, Product.product_id == Loan.product_id)
        .where(
            Product.repayment_method == "bullet",
            Loan.maturity_on.between(start, end),
            Loan.written_off_on.is_(None),
            Loan.principal - repaid > CENT,
        )
    )
    revisits = select(
        literal("revisit").label("kind"),
        EarlyWarning.loan_id.label("loan_id"),
        EarlyWarning.observed_on.label("due_on"),
        literal(None).label("amount"),
    ).where(EarlyWarning.kind == "first_overdue", EarlyWarning.observed_on.between(start, end))
    return instalments, maturities, revisits


def reminder_coverage(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope, config: Config
) -> pd.DataFrame:
    """Per kind, over the items due in [start, min(end, as_of)]: items; reminded = a reminder of the item
    given by its due date (a revisit: by as_of, or a visit on or after the first overdue); coverage =
    reminded / items (empty when there are none)."""
    last = min(end, as_of)
    items = union_all(*reminder_items(conn, start=start, end=last, config=config)).subquery()
    reminded_by = case((items.c.kind == "revisit", as_of), else_=items.c.due_on)
    reminded = or_(
        exists().where(
            Reminder.loan_id == items.c.loan_id,
            Reminder.kind == items.c.kind,
            Reminder.due_on == items.c.due_on,
            Reminder.reminded_on <= reminded_by,
        ),
        and_(
            items.c.kind == "revisit",
            exists().where(
                Visit.loan_id == items.c.loan_id,
                Visit.visited_on >= items.c.due_on,
                Visit.visited_on <= as_of,
            ),
        ),
    )
    rows = dict(
        (kind, (n, done))
        for kind, n, done in conn.execute(
            select(items.c.kind, func.count(), func.coalesce(func.sum(case((reminded, 1), else_=0)), 0))
            .join(Loan, Loan.loan_id == items.c.loan_id)
            .where(scope.condition())
            .group_by(items.c.kind)
        )
    )
    return pd.DataFrame(
        [
            (kind, *rows.get(kind, (0, 0)), ratio(rows.get(kind, (0, 0))[1], rows.get(kind, (0, 0))[0]))
            for kind in REMINDER_KINDS
        ],
        columns=COLUMNS,
    )
