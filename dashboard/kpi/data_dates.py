"""The latest date the data knows about: the default as-of date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from db.models import Inspection, Loan, Repayment, Visit


def latest_data_date(conn: Connection) -> date | None:
    candidates = [
        conn.execute(select(func.max(column))).scalar()
        for column in (Loan.disbursed_on, Repayment.paid_on, Inspection.done_on, Visit.visited_on)
    ]
    known = [d for d in candidates if d is not None]
    return max(known) if known else None
