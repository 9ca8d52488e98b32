"""Collection actions (催收记录, issue 4 item 4) entered one at a time, under the collection conduct rules.

The schema holds the row-level rules too (contact hours, a promise after the contact day, an amount with its
date); the per-day call count and the configured promise horizon cannot be CHECK constraints, so they are
enforced here, inside the transaction that writes the action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Engine, func, insert, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.access import loan_in_scope, require
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.external import sees_internal
from dashboard.work.photos import PhotoUpload, check_photos, insert_photos
from dashboard.work.saving import Change, Saved, save
from dashboard.work.visits import EARLIEST_WORK
from db.models import CollectionAction, Contact, Loan
from db.models.enums import ACTION_CHANNELS, ACTION_RESULTS

NOTES_MAX = 2000
RECENT = 10
# Digits, or thousands grouped by commas (1,000 and 12,345.67, never 1,0,0,0), and at most two decimals.
_AMOUNT = re.compile(r"(\d+|\d{1,3}(,\d{3})+)(\.\d{1,2})?", re.ASCII)
_AMOUNT_LIMIT = Decimal(10) ** 14  # Numeric(16, 2): 14 digits before the point


@dataclass(frozen=True)
class ActionForm:
    """What the form posts. ptp_amount may be the text typed into the form: it is parsed with the other
    checks so that a bad amount is reported together with every other problem."""

    loan_id: str
    channel: str | None  # None: not chosen (the form starts with nothing chosen)
    acted_at: datetime  # the contact time
    result: str | None
    ptp_amount: Decimal | str | None = None
    ptp_on: date | None = None
    info_repaired: bool = False
    notes: str | None = None
    contact_id: str | None = None  # the contact called; None: the borrower
    photos: tuple[PhotoUpload, ...] = ()  # evidence of a field visit, saved with the action


def record_action(
    engine: Engine,
    actor: Actor,
    form: ActionForm,
    token: str | None,
    config: Config,
    now: datetime | None = None,
) -> Saved:
    """Check the action against the conduct rules and save it with its audit row, or refuse it whole:
    FormInvalid names every field that is wrong, NotAllowed a user who may not record actions."""
    moment = now or clock.now()

    def write(conn: Connection) -> list[Change]:
        require(actor, "collection_action")
        staff_id, agency_id = acting_as(actor)
        errors, amount, notes, contact_id = _check(conn, actor, form, config, moment)
        types, photo_problem = check_photos(form.photos, config)
        if photo_problem is None and form.photos and form.channel != "field_visit":
            photo_problem = message("photo.err.channel")
        if photo_problem is not None:
            errors["photos"] = photo_problem
        if errors:
            raise FormInvalid(errors)
        row: dict[str, Any] = {
            "action_id": f"AC{uuid4().hex[:16]}",
            "loan_id": form.loan_id.strip(),
            "acted_at": form.acted_at,
            "channel": form.channel,
            "staff_id": staff_id,
            "agency_id": agency_id,
            "result": form.result,
            "ptp_amount": amount,
            "ptp_on": form.ptp_on,
            "info_repaired": bool(form.info_repaired),
            "notes": notes,
            "contact_id": contact_id,
        }
        conn.execute(insert(CollectionAction).values(**row))
        photos = insert_photos(
            conn, actor, row["loan_id"], form.photos, types, moment, action_id=row["action_id"]
        )
        return [Change("insert", "collection_actions", row["action_id"], None, row), *photos]

    return save(engine, actor, token, write)


def acting_as(actor: Actor) -> tuple[str | None, str | None]:
    """(staff_id, agency_id) recorded as the one who acted: an agency user acts for the agency."""
    if actor.role == "agency":
        if not actor.agency_id:
            raise NotAllowed("action.err.no_actor")
        return None, actor.agency_id
    if not actor.staff_id:
        raise NotAllowed("action.err.no_actor")
    return actor.staff_id, None


def _check(
    conn: Connection, actor: Actor, form: ActionForm, config: Config, moment: datetime
) -> tuple[dict[str, Message], Decimal | None, str | None, str | None]:
    errors: dict[str, Message] = {}
    loan_id = form.loan_id.strip()
    in_scope = False
    if not loan_id:
        errors["loan_id"] = message("work.err.required")
    elif "\x00" in loan_id:
        errors["loan_id"] = message("action.err.nul")
    else:
        # Scope is the user's today (a recalled placement ends the agency's access at once).
        in_scope = loan_in_scope(conn, actor, loan_id, moment.date())
        if not in_scope:
            errors["loan_id"] = message("work.err.loan_out_of_scope", loan_id=loan_id)
    if not form.channel:
        errors["channel"] = message("work.err.required")
    elif form.channel not in ACTION_CHANNELS:
        errors["channel"] = message("action.err.choice", value=repr(form.channel))
    if not form.result:
        errors["result"] = message("work.err.required")
    elif form.result not in ACTION_RESULTS:
        errors["result"] = message("action.err.choice", value=repr(form.result))
    contact_id = (form.contact_id or "").strip() or None
    if contact_id is not None and in_scope and not _contact_of_loan(conn, loan_id, contact_id):
        errors["contact_id"] = message("action.err.contact", value=repr(contact_id))
        in_scope = False  # no call count for a number that is not the loan's

    acted_at = form.acted_at
    start, end = time(config.contact_from_hour), time(config.contact_to_hour)
    if acted_at > moment:
        errors["acted_at"] = message("action.err.future", value=f"{acted_at:%Y-%m-%d %H:%M}")
    elif in_scope and (problem := _before_loan(conn, loan_id, acted_at.date())):
        errors["acted_at"] = problem
    elif not start <= acted_at.time() <= end:
        errors["acted_at"] = message(
            "action.err.hours", value=f"{acted_at:%H:%M}", start=f"{start:%H:%M}", end=f"{end:%H:%M}"
        )
    elif form.channel == "call" and in_scope:
        calls = _calls_on(conn, loan_id, acted_at.date(), contact_id)
        if calls >= config.max_calls_per_day:
            errors["channel"] = message(
                "action.err.calls", count=calls, day=acted_at.date(), max=config.max_calls_per_day
            )

    amount, amount_error = parse_amount(form.ptp_amount)
    if amount_error:
        errors["ptp_amount"] = amount_error
    promised = form.result == "ptp" or amount is not None or form.ptp_on is not None
    if promised and amount is None and not amount_error:
        errors["ptp_amount"] = message("action.err.ptp_amount_required")
    if promised and form.ptp_on is None:
        errors["ptp_on"] = message("action.err.ptp_on_required")
    if form.ptp_on is not None:
        day = acted_at.date()
        last = day + timedelta(days=config.ptp_max_days)
        if form.ptp_on <= day:
            errors["ptp_on"] = message("action.err.ptp_not_after", day=day)
        elif form.ptp_on > last:
            errors["ptp_on"] = message("action.err.ptp_too_far", days=config.ptp_max_days, last=last)

    notes = (form.notes or "").strip() or None
    if notes is not None and len(notes) > NOTES_MAX:
        errors["notes"] = message("work.err.too_long", max=NOTES_MAX)
    elif notes is not None and "\x00" in notes:
        errors["notes"] = message("action.err.nul")
    return errors, amount, notes, contact_id


def _contact_of_loan(conn: Connection, loan_id: str, contact_id: str) -> bool:
    """The contact is one of the loan's customer's contacts."""
    found = conn.execute(
        select(Contact.contact_id)
        .join(Loan, Loan.customer_id == Contact.customer_id)
        .where(Loan.loan_id == loan_id, Contact.contact_id == contact_id)
    ).first()
    return found is not None


def _before_loan(conn: Connection, loan_id: str, day: date) -> Message | None:
    """A contact before the loan was disbursed (or before any work is recorded) is a typo."""
    disbursed_on = conn.execute(select(Loan.disbursed_on).where(Loan.loan_id == loan_id)).scalar_one()
    first = max(disbursed_on, EARLIEST_WORK)
    return message("work.err.before", value=day, other=first) if day < first else None


def _calls_on(conn: Connection, loan_id: str, day: date, contact_id: str | None) -> int:
    """Calls stored for the loan on that calendar day to one number: the borrower's (contact_id None) or
    the contact's. The cap is per number (issue 16), so calling the contacts is never blocked.

    The loan row is locked first (FOR UPDATE on PostgreSQL; SQLite has one writer at a time anyway), so two
    collectors saving at the same moment cannot both see two calls and both write a third and a fourth.
    """
    conn.execute(select(Loan.loan_id).where(Loan.loan_id == loan_id).with_for_update())
    first = datetime.combine(day, time())
    count = conn.scalar(
        select(func.count())
        .select_from(CollectionAction)
        .where(
            CollectionAction.loan_id == loan_id,
            CollectionAction.channel == "call",
            CollectionAction.acted_at >= first,
            CollectionAction.acted_at < first + timedelta(days=1),
            CollectionAction.contact_id.is_(None)
            if contact_id is None
            else CollectionAction.contact_id == contact_id,
        )
    )
    return int(count or 0)


def parse_amount(value: Decimal | str | None) -> tuple[Decimal | None, Message | None]:
    """An amount in yuan with at most two decimals, above zero; blank is None. Never through float."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.fullmatch(text):
            return None, message("action.err.amount_format", value=repr(text))
        amount = Decimal(text.replace(",", ""))
    else:
        amount = value
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            return None, message("action.err.amount_format", value=str(value))
    if amount <= 0:
        return None, message("action.err.amount_positive")
    if amount >= _AMOUNT_LIMIT:
        return None, message("action.err.amount_large")
    return amount, None


def loan_contacts(
    conn: Connection, actor: Actor, loan_id: str, on: date | None = None
) -> list[dict[str, Any]]:
    """The contacts of the loan's customer (contact_id, name, relation) to choose whom a call reached;
    nothing for a loan outside the user's scope. Phones are not returned: the form needs none."""
    if not loan_id or "\x00" in loan_id or not loan_in_scope(conn, actor, loan_id, on):
        return []
    rows = conn.execute(
        select(Contact.contact_id, Contact.name, Contact.relation)
        .join(Loan, Loan.customer_id == Contact.customer_id)
        .where(Loan.loan_id == loan_id)
        .order_by(Contact.contact_id)
    )
    return [dict(row._mapping) for row in rows]


def recent_actions(
    conn: Connection, actor: Actor, loan_id: str, on: date | None = None, limit: int = RECENT
) -> list[dict[str, Any]]:
    """The loan's latest actions, newest first; nothing for a loan outside the user's scope. For an agency,
    `by` names the agency's own actions only (None for the lender's collectors and other agencies)."""
    if not loan_id or "\x00" in loan_id or not loan_in_scope(conn, actor, loan_id, on):
        return []
    rows = conn.execute(
        select(
            CollectionAction.acted_at,
            CollectionAction.channel,
            CollectionAction.result,
            CollectionAction.ptp_amount,
            CollectionAction.ptp_on,
            func.coalesce(CollectionAction.staff_id, CollectionAction.agency_id).label("by"),
            CollectionAction.notes,
        )
        .where(CollectionAction.loan_id == loan_id)
        .order_by(CollectionAction.acted_at.desc(), CollectionAction.action_id.desc())
        .limit(limit)
    )
    actions = [dict(row._mapping) for row in rows]
    if not sees_internal(actor):
        for action in actions:
            action["by"] = action["by"] if action["by"] == actor.agency_id else None
    return actions
