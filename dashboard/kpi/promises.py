"""Promises to pay (承诺还款, DOMAIN section 2) for the day's collection work: those falling due on D, and the
broken ones (a promise whose amount the loan's repayments from the promise to the promised day did not
reach, seen the day after the promised day, as rule 14 reads it) of the days before D.

Each takes the page's scope (the user's restriction and the filters) and, for a task list, the holder: the
loans a staff member or an agency holds on D (as dashboard.kpi.tasks)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, func, select, true

from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.tasks import _held
from db.models import Agency, CollectionAction, Loan, Repayment, Staff
from db.sqlfuncs import as_date, cents

COLUMNS = ["loan_id", "promised_on", "ptp_on", "ptp_amount", "paid", "short", "by"]
# Broken promises are listed while their promised day is this recent: the collector's follow-up.
BROKEN_DAYS = 7


def _promises(
    conn: Connection,
    *,
    first: date,
    last: date,
    paid_until: date | None,
    broken_only: bool,
    scope: Scope,
    holder: ColumnElement[bool] | None,
) -> pd.DataFrame:
    """Promises made by the end of `last` whose promised day is in [first, last], with what the loan repaid
    from the promise day to the promised day (or to paid_until, when earlier)."""
    a = CollectionAction
    paid = (
        select(func.coalesce(func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)), 0))
        .where(
            Repayment.loan_id == a.loan_id,
            Repayment.paid_on >= as_date(a.acted_at),
            Repayment.paid_on <= (a.ptp_on if paid_until is None else paid_until),
        )
        .scalar_subquery()
    )
    loans = select(Loan.loan_id).where(scope.condition(), true() if holder is None else holder)
    query = (
        select(
            a.loan_id,
            as_date(a.acted_at).label("promised_on"),
            a.ptp_on,
            cents(a.ptp_amount).label("amount_cents"),
            paid.label("paid_cents"),
            func.coalesce(Staff.name, Agency.name).label("by"),
        )
        .outerjoin(Staff, Staff.staff_id == a.staff_id)
        .outerjoin(Agency, Agency.agency_id == a.agency_id)
        .where(
            a.ptp_on.is_not(None),
            a.ptp_amount.is_not(None),
            a.ptp_on.between(first, last),
            a.acted_at < datetime.combine(last + timedelta(days=1), time()),
            a.loan_id.in_(loans),
        )
        .order_by(a.ptp_on.desc(), a.loan_id, a.action_id)
    )
    if broken_only:
        query = query.where(paid < cents(a.ptp_amount))
    rows = conn.execute(query).all()
    return pd.DataFrame(
        [
            (
                r.loan_id,
                _day(r.promised_on),
                _day(r.ptp_on),
                yuan(r.amount_cents),
                yuan(r.paid_cents),
                yuan(max(int(r.amount_cents) - int(r.paid_cents), 0)),
                r.by,
            )
            for r in rows
        ],
        columns=COLUMNS,
    )


def promises_due(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    staff_id: str | None = None,
    agency_id: str | None = None,
) -> pd.DataFrame:
    """Promises to pay falling due on D (made by D) on the loans in scope, or held by the staff member or
    agency given: COLUMNS, `paid` the loan's repayments from the promise day to D, `short` what is still
    to come for the promise to be kept."""
    return _promises(
        conn,
        first=as_of,
        last=as_of,
        paid_until=as_of,
        broken_only=False,
        scope=scope,
        holder=_holder(conn, staff_id, agency_id, as_of),
    )


def broken_promises(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    staff_id: str | None = None,
    agency_id: str | None = None,
    days: int = BROKEN_DAYS,
) -> pd.DataFrame:
    """Broken promises to pay seen by D whose promised day is within `days` days before D: the loan's
    repayments from the promise day to the promised day fell short of the amount. COLUMNS, newest promised
    day first, `short` the part not paid."""
    return _promises(
        conn,
        first=as_of - timedelta(days=days),
        last=as_of - timedelta(days=1),
        paid_until=None,
        broken_only=True,
        scope=scope,
        holder=_holder(conn, staff_id, agency_id, as_of),
    )


def _holder(
    conn: Connection, staff_id: str | None, agency_id: str | None, as_of: date
) -> ColumnElement[bool] | None:
    if staff_id is None and agency_id is None:
        return None
    return _held(conn, staff_id, agency_id, as_of)


def _day(value: date | datetime | str) -> date:
    """SQLite hands back computed dates as text; PostgreSQL as dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
