"""The data date: the date through which the loaded extract's repayments are complete, and the default as-of
date of the pages, the KPI commands and the snapshot refresh (DOMAIN section 5).

`postloan import` and `postloan seed` record it (`extract_loads`, with an audit row). Nothing a form saves
moves it: a visit, an inspection or an action recorded before the day's extract arrives is dated after it,
and an as-of date after it would show loans as overdue whose repayments have simply not been loaded yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, func, insert, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.work.audit import write_audit
from db.models import ExtractLoad, Loan, Repayment

# Who records an import's data date in the audit log (the seed's is seed.users.SEED_ACTOR).
IMPORT_ACTOR = Actor("import", "admin", name="postloan import")


def latest_data_date(conn: Connection) -> date | None:
    """The data date of the latest extract loaded; for a database without one (built before data dates
    were recorded, or row by row), its ledger date. None when the database holds no loans."""
    recorded = recorded_data_date(conn)
    return recorded if recorded is not None else ledger_date(conn)


def first_disbursement(conn: Connection) -> date | None:
    """The earliest disbursement: no figure as of an earlier day has anything to count."""
    return conn.execute(select(func.min(Loan.disbursed_on))).scalar()


def as_of_range(conn: Connection, *, today: date) -> tuple[date, date] | None:
    """The as-of dates a page may be asked for: from the first disbursement to the data date or today,
    whichever is later (after the data date a page warns that repayments are missing). None without loans.
    A date outside is refused: in 9999 the figures' date arithmetic ran for minutes (issue 22 item 9)."""
    first = first_disbursement(conn)
    if first is None:
        return None
    last = latest_data_date(conn) or today
    return first, max(last, today)


def recorded_data_date(conn: Connection) -> date | None:
    return conn.execute(
        select(ExtractLoad.data_date).order_by(ExtractLoad.load_id.desc()).limit(1)
    ).scalar_one_or_none()


def ledger_date(conn: Connection) -> date | None:
    """The latest repayment or disbursement: what the core-banking system books, never the dates of the
    work staff record here (visits, inspections, actions), which may be later than the extract."""
    known = [
        d
        for d in (
            conn.execute(select(func.max(column))).scalar()
            for column in (Repayment.paid_on, Loan.disbursed_on)
        )
        if d is not None
    ]
    return max(known) if known else None


def default_import_date(conn: Connection) -> date | None:
    """An import's data date when none is given, read after its rows are written: the latest ledger date,
    and never earlier than the data date already recorded (an extract of corrections to old repayments does
    not make the newer ones incomplete)."""
    known = [d for d in (ledger_date(conn), recorded_data_date(conn)) if d is not None]
    return max(known) if known else None


def record_data_date(
    conn: Connection,
    *,
    data_date: date,
    source: str,
    detail: str,
    actor: Actor,
    rows: Mapping[str, int] | None = None,
) -> int:
    """Record the data date of an extract just loaded (source 'import' or 'seed'), audited in the caller's
    transaction; returns the load's id."""
    load_id = conn.execute(
        insert(ExtractLoad)
        .values(data_date=data_date, loaded_at=clock.now(), source=source, detail=detail)
        .returning(ExtractLoad.load_id)
    ).scalar_one()
    after = {"data_date": data_date, "source": source, "detail": detail, "rows": dict(rows or {})}
    write_audit(conn, actor, source, ExtractLoad.__tablename__, str(load_id), None, after)
    return load_id
