"""Reminders (issue 17): instalments due soon (a call or SMS, seed 004 四(二)3), bullet loans maturing soon (a
maturity notice), and a revisit after a loan's first overdue (seed 004 四(二)4). "Reminded" records each one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, Engine, and_, insert, or_, select, union_all

from dashboard import clock
from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.reminders import reminder_items
from dashboard.work.access import require, require_loan
from dashboard.work.errors import FormInvalid, Message, WorkError, message
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import require_staff
from db.models import Loan, Reminder, Visit
from db.models.enums import REMINDER_CHANNELS, REMINDER_KINDS

REVISIT_DAYS = 30  # a first overdue stays on the list this long without a revisit
LIST_COLUMNS = ["kind", "loan_id", "due_on", "amount", "officer_id", "reminded_on"]


def reminder_list(conn: Connection, actor: Actor, today: date, config: Config) -> pd.DataFrame:
    """What to remind of now, on loans in the actor's scope: instalments due in the next reminder_days,
    bullet loans maturing in the next maturity_notice_days, first overdues of the last 30 days not yet
    revisited (no visit since); with the day each was reminded (None: not yet), the unreminded first."""
    instalments, _, _ = reminder_items(
        conn, start=today + timedelta(days=1), end=today + timedelta(days=config.reminder_days), config=config
    )
    _, maturities, _ = reminder_items(
        conn,
        start=today + timedelta(days=1),
        end=today + timedelta(days=config.maturity_notice_days),
        config=config,
    )
    _, _, revisits = reminder_items(
        conn, start=today - timedelta(days=REVISIT_DAYS), end=today, config=config
    )
    items = union_all(instalments, maturities, revisits).subquery()
    visited = (
        select(Visit.visit_id)
        .where(Visit.loan_id == items.c.loan_id, Visit.visited_on >= items.c.due_on)
        .exists()
    )
    rows = conn.execute(
        select(
            items.c.kind,
            items.c.loan_id,
            items.c.due_on,
            items.c.amount,
            Loan.officer_id,
            Reminder.reminded_on,
        )
        .join(Loan, Loan.loan_id == items.c.loan_id)
        .outerjoin(
            Reminder,
            and_(
                Reminder.loan_id == items.c.loan_id,
                Reminder.kind == items.c.kind,
                Reminder.due_on == items.c.due_on,
            ),
        )
        .where(loan_condition(actor, today), or_(items.c.kind != "revisit", ~visited))
        .order_by(Reminder.reminded_on.is_not(None), items.c.due_on, items.c.kind, items.c.loan_id)
    ).all()
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def record_reminder(
    engine: Engine,
    actor: Actor,
    loan_id: str,
    kind: str | None,
    due_on: date | None,
    channel: str | None,
    token: str | None,
    today: date | None = None,
) -> Saved:
    """ "Reminded": the signed-in officer reminded the borrower today of this item, by this channel."""
    day = today or clock.today()

    def write(conn: Connection) -> list[Change]:
        require(actor, "visit")
        staff_id = require_staff(actor)
        require_loan(conn, actor, loan_id)
        errors: dict[str, Message] = {}
        if kind not in REMINDER_KINDS:
            errors["kind"] = message("work.err.required" if not kind else "visit.err.unknown")
        if channel not in REMINDER_CHANNELS:
            errors["channel"] = message("work.err.required" if not channel else "visit.err.unknown")
        if due_on is None:
            errors["due_on"] = message("work.err.required")
        if errors:
            raise FormInvalid(errors)
        values = {
            "loan_id": loan_id,
            "kind": kind,
            "due_on": due_on,
            "reminded_on": day,
            "channel": channel,
            "staff_id": staff_id,
        }
        # The unique index (loan, kind, due_on) backs this check against a race.
        done = conn.execute(
            select(Reminder.reminded_on).where(
                Reminder.loan_id == loan_id, Reminder.kind == kind, Reminder.due_on == due_on
            )
        ).scalar()
        if done is not None:
            raise WorkError("remind.err.already", loan_id=loan_id, date=done)
        reminder_id = conn.execute(
            insert(Reminder).values(**values).returning(Reminder.reminder_id)
        ).scalar_one()
        return [Change("insert", "reminders", str(reminder_id), None, values)]

    return save(engine, actor, token, write)
