"""One loan's card: its terms, its state at D, its schedule with what was paid, and its history."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from dashboard.config import FLOORS, Config
from dashboard.i18n import translate
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import bucket_name, class_expr, class_name, live_base, loan_state
from db.models import (
    Agency,
    AuditEntry,
    Branch,
    ClassificationOverride,
    CollectionAction,
    Customer,
    Inspection,
    Issue,
    Loan,
    Product,
    Repayment,
    ScheduleItem,
    Staff,
    Visit,
)
from db.sqlfuncs import as_date, cents


def loan_summary(conn: Connection, *, loan_id: str, as_of: date, config: Config) -> dict[str, Any] | None:
    """Terms and state at as_of of one loan, or None when it does not exist. The customer's id_number and
    phone come unmasked: the page masks them (dashboard.auth.masking)."""
    row = (
        conn.execute(
            select(
                Loan.loan_id,
                Customer.name.label("customer"),
                Customer.id_number,
                Customer.phone,
                Product.name.label("product"),
                Branch.name.label("branch"),
                Staff.name.label("officer"),
                Loan.principal,
                Loan.annual_rate,
                Loan.term_months,
                Loan.disbursed_on,
                Loan.maturity_on,
                Loan.payment_mode,
                Loan.written_off_on,
            )
            .join(Customer, Customer.customer_id == Loan.customer_id)
            .join(Product, Product.product_id == Loan.product_id)
            .join(Branch, Branch.branch_id == Loan.branch_id)
            .join(Staff, Staff.staff_id == Loan.officer_id)
            .where(Loan.loan_id == loan_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    state = loan_state(as_of, Scope(), config, active_only=False, conn=conn)
    s = conn.execute(select(state).where(state.c.loan_id == loan_id)).mappings().first()
    summary = dict(row)
    if s is None:  # not yet disbursed at D
        return summary | {
            "active": False,
            "dpd": 0,
            "bucket": None,
            "classification": None,
            "outstanding_principal": yuan(row["principal"] * 100),
            "overdue_amount": yuan(0),
        }
    # A settled loan may leave the interest of cancelled instalments open: it is not overdue.
    settled = s["op_cents"] <= 0
    return summary | {
        "active": bool(s["active"]),
        "dpd": 0 if settled else int(s["dpd"]),
        "bucket": bucket_name(0 if settled else s["bucket_ix"]),
        "classification": class_name(s["class_ix"]),
        "outstanding_principal": yuan(max(s["op_cents"], 0)),
        "overdue_amount": yuan(0 if settled else s["overdue_cents"]),
    }


def schedule_with_payments(conn: Connection, *, loan_id: str, as_of: date) -> pd.DataFrame:
    paid = (
        select(
            Repayment.instalment_no,
            func.sum(cents(Repayment.principal_paid)).label("p"),
            func.sum(cents(Repayment.interest_paid)).label("i"),
            func.max(Repayment.paid_on).label("last_paid_on"),
        )
        .where(Repayment.loan_id == loan_id, Repayment.paid_on <= as_of)
        .group_by(Repayment.instalment_no)
        .subquery()
    )
    rows = conn.execute(
        select(
            ScheduleItem.instalment_no,
            ScheduleItem.due_on,
            cents(ScheduleItem.principal_due),
            cents(ScheduleItem.interest_due),
            paid.c.p,
            paid.c.i,
            paid.c.last_paid_on,
        )
        .outerjoin(paid, paid.c.instalment_no == ScheduleItem.instalment_no)
        .where(ScheduleItem.loan_id == loan_id)
        .order_by(ScheduleItem.instalment_no)
    ).all()
    return pd.DataFrame(
        [
            (n, due, yuan(pd_), yuan(id_), yuan(p), yuan(i), yuan(pd_ + id_ - (p or 0) - (i or 0)), last)
            for n, due, pd_, id_, p, i, last in rows
        ],
        columns=[
            "instalment_no",
            "due_on",
            "principal_due",
            "interest_due",
            "principal_paid",
            "interest_paid",
            "remaining",
            "last_paid_on",
        ],
    )


def timeline(conn: Connection, *, loan_id: str, as_of: date, language: str = "en") -> pd.DataFrame:
    """Actions, inspections, visits, issues and overrides dated on or before as_of, newest first, with who
    recorded each: the staff member (or agency) of the record; for an issue, the visitor of the visit that
    found it, else its assignee. Columns: date, kind, what, by; `what` in the language's terms (a channel,
    result, method or class by its name, never its code), with what people typed as typed."""

    def name(prefix: str, code: str) -> str:
        return translate(f"{prefix}.{code}", language)

    agency = aliased(Agency)
    events: list[tuple[Any, str, str, str | None]] = []
    for acted_at, channel, result, ptp_amount, ptp_on, staff, agency_name in conn.execute(
        select(
            CollectionAction.acted_at,
            CollectionAction.channel,
            CollectionAction.result,
            CollectionAction.ptp_amount,
            CollectionAction.ptp_on,
            Staff.name,
            agency.name,
        )
        .outerjoin(Staff, Staff.staff_id == CollectionAction.staff_id)
        .outerjoin(agency, agency.agency_id == CollectionAction.agency_id)
        .where(CollectionAction.loan_id == loan_id, as_date(CollectionAction.acted_at) <= as_of)
        .order_by(CollectionAction.acted_at)
    ).all():
        promise = (
            " · " + translate("timeline.ptp", language, amount=f"{ptp_amount:,.2f}", on=ptp_on)
            if ptp_amount is not None
            else ""
        )
        what = f"{name('overdue.channel', channel)}: {name('overdue.result', result)}{promise}"
        events.append((acted_at.date(), "action", what, staff or agency_name))
    for done_on, kind, method, risk, notes, staff in conn.execute(
        select(
            Inspection.done_on,
            Inspection.kind,
            Inspection.method,
            Inspection.risk_signal,
            Inspection.notes,
            Staff.name,
        )
        .outerjoin(Staff, Staff.staff_id == Inspection.staff_id)
        .where(Inspection.loan_id == loan_id, Inspection.done_on <= as_of)
        .order_by(Inspection.done_on)
    ).all():
        events.append(
            (
                done_on,
                "inspection",
                f"{name('insp.kind', kind)} ({name('insp.method', method)})"
                f"{' · ' + translate('insp.risk_signal', language) if risk else ''} {notes or ''}",
                staff,
            )
        )
    for visited_on, method, content, staff in conn.execute(
        select(Visit.visited_on, Visit.method, Visit.content, Staff.name)
        .outerjoin(Staff, Staff.staff_id == Visit.staff_id)
        .where(Visit.loan_id == loan_id, Visit.visited_on <= as_of)
        .order_by(Visit.visited_on)
    ).all():
        events.append((visited_on, "visit", f"{name('visit.method', method)}: {content}", staff))
    # Found on a visit or, since issue 17, on an inspection: whoever made the record found it.
    visitor, inspector, assignee = aliased(Staff), aliased(Staff), aliased(Staff)
    for raised_on, severity, description, resolved_on, found_by, assigned in conn.execute(
        select(
            Issue.raised_on,
            Issue.severity,
            Issue.description,
            Issue.resolved_on,
            func.coalesce(visitor.name, inspector.name),
            assignee.name,
        )
        .outerjoin(Visit, Visit.visit_id == Issue.visit_id)
        .outerjoin(visitor, visitor.staff_id == Visit.staff_id)
        .outerjoin(Inspection, Inspection.inspection_id == Issue.inspection_id)
        .outerjoin(inspector, inspector.staff_id == Inspection.staff_id)
        .outerjoin(assignee, assignee.staff_id == Issue.assigned_to)
        .where(Issue.loan_id == loan_id, Issue.raised_on <= as_of)
        .order_by(Issue.raised_on)
    ).all():
        state = (
            translate("timeline.resolved", language, on=resolved_on)
            if resolved_on and resolved_on <= as_of
            else translate("timeline.open", language)
        )
        what = f"{name('visit.severity', severity)}: {description} · {state}"
        events.append((raised_on, "issue", what, found_by or assigned))
    for effective_on, classification, reason, staff in conn.execute(
        select(
            ClassificationOverride.effective_on,
            ClassificationOverride.classification,
            ClassificationOverride.reason,
            Staff.name,
        )
        .outerjoin(Staff, Staff.staff_id == ClassificationOverride.staff_id)
        .where(and_(ClassificationOverride.loan_id == loan_id, ClassificationOverride.effective_on <= as_of))
        .order_by(ClassificationOverride.effective_on)
    ).all():
        events.append((effective_on, "override", f"→ {name('class', classification)}: {reason}", staff))
    # Stable: records of one day keep the order above (actions by time, then inspections, visits, ...).
    events.sort(key=lambda e: e[0], reverse=True)
    return pd.DataFrame(events, columns=["date", "kind", "what", "by"])


FLOOR_HISTORY_COLUMNS = ["at", "kind", "classification", "dpd", "setting", "before", "after", "by"]
# SQLite compounds at most 500 SELECTs in one UNION ALL.
_DATES_PER_QUERY = 200


def floor_history(conn: Connection, *, loan_id: str, as_of: date, config: Config) -> pd.DataFrame:
    """The loan's class by DPD floor over time, and the edits of the floors that apply to it, oldest first.

    kind "dpd": on `at` (a day) the class DPD alone gives (the product's floors as they stand now: class is
    derived at query time) became `classification`, at `dpd` days past due; only the changes, up to as_of
    and while the loan is on the book.
    kind "product_floors": an edit of the loan's product's own floors on the Settings page (its audit row),
    `before` -> `after` as S/D/L (None: the settings' floors), by whom, when (`at`, a time).
    kind "default_floor": an edit of one default floor (`setting`, days; a cleared setting is its default),
    listed while the product has no floors of its own. The caller checks the scope."""
    loan = conn.execute(
        select(Loan.product_id, Loan.disbursed_on, Loan.written_off_on).where(Loan.loan_id == loan_id)
    ).first()
    if loan is None:
        return pd.DataFrame(columns=FLOOR_HISTORY_COLUMNS)
    rows = _dpd_class_changes(conn, loan_id, loan, as_of, config)
    edits = (AuditEntry.table_name == "products") & (AuditEntry.record_key == loan.product_id)
    if all(product != loan.product_id for product, *_ in config.product_floors):
        edits = or_(edits, (AuditEntry.table_name == "settings") & AuditEntry.record_key.in_(FLOORS))
    for entry in conn.execute(
        select(
            AuditEntry.at,
            AuditEntry.username,
            AuditEntry.table_name,
            AuditEntry.record_key,
            AuditEntry.before,
            AuditEntry.after,
        )
        .where(edits)
        .order_by(AuditEntry.at, AuditEntry.entry_id)
    ):
        before, after = (json.loads(v) if v else {} for v in (entry.before, entry.after))
        field = "dpd_floors" if entry.table_name == "products" else "value"
        if entry.table_name == "settings":  # no row: the default
            default = str(getattr(Config(), entry.record_key))
            before, after = ({field: side.get(field) or default} for side in (before, after))
        if before.get(field) == after.get(field):
            continue  # saved unchanged: the floors stayed
        rows.append(
            {
                "at": entry.at,
                "kind": "product_floors" if entry.table_name == "products" else "default_floor",
                "classification": None,
                "dpd": None,
                "setting": None if entry.table_name == "products" else entry.record_key,
                "before": before.get(field),
                "after": after.get(field),
                "by": entry.username,
            }
        )
    frame = pd.DataFrame(rows, columns=FLOOR_HISTORY_COLUMNS)
    order = [
        r["at"] if isinstance(r["at"], datetime) else datetime.combine(r["at"], datetime.min.time())
        for r in rows
    ]
    return (
        frame.assign(_at=order).sort_values("_at", kind="stable").drop(columns="_at").reset_index(drop=True)
    )


def _dpd_class_changes(conn: Connection, loan_id: str, loan: Any, as_of: date, config: Config) -> list[dict]:
    """The days the loan's DPD-floor class changed. DPD moves by one a day, so the class can change only on
    a day an instalment falls overdue, a floor is crossed (an instalment's due date + floor + 1), or a
    repayment moves the oldest unpaid instalment: the class is read on those days only (the state's own
    SQL, for this loan alone)."""
    floors = config.floors(loan.product_id)
    dues = conn.execute(select(ScheduleItem.due_on).where(ScheduleItem.loan_id == loan_id)).scalars().all()
    paid = conn.execute(select(Repayment.paid_on).where(Repayment.loan_id == loan_id)).scalars().all()
    last = min(as_of, loan.written_off_on - timedelta(days=1)) if loan.written_off_on else as_of
    days = sorted(
        {due + timedelta(days=n + 1) for due in dues for n in (0, *floors)} | set(paid) | {loan.disbursed_on}
    )
    days = [d for d in days if loan.disbursed_on <= d <= last]
    read = []
    for start in range(0, len(days), _DATES_PER_QUERY):
        selects = []
        for day in days[start : start + _DATES_PER_QUERY]:
            base = live_base(day, Scope(), loans=[loan_id])
            rank = class_expr(base.c.first_due, literal(0), day, config, product_id=literal(loan.product_id))
            selects.append(
                select(literal(day).label("day"), rank.label("rank"), base.c.first_due, base.c.op_cents)
            )
        read += conn.execute(union_all(*selects) if len(selects) > 1 else selects[0]).all()
    changes: list[dict] = []
    was = 0  # normal when disbursed
    for day, rank, first_due, op_cents in sorted(read, key=lambda r: r[0]):
        if op_cents <= 0:
            break  # repaid: off the book
        if int(rank) != was:
            was = int(rank)
            changes.append(
                {
                    "at": day,
                    "kind": "dpd",
                    "classification": class_name(was),
                    "dpd": 0 if first_due is None else (day - first_due).days,
                    "setting": None,
                    "before": None,
                    "after": None,
                    "by": None,
                }
            )
    return changes
