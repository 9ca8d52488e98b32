"""One loan's card: its terms, its state at D, its schedule with what was paid, and its history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased

from dashboard.config import Config
from dashboard.i18n import translate
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import bucket_name, class_name, loan_state
from db.models import (
    Agency,
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
