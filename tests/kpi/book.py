"""A tiny loan book written by hand, so every expected figure in the KPI tests can be worked out on paper.

Branch tree: HQ -> (B1 -> B11), (B2). Officers O1 (B11), O2 (B2); O3 left in 2024.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy import Connection, insert

from db.models import (
    Agency,
    Branch,
    Channel,
    ClassificationOverride,
    CollectionAction,
    Customer,
    Inspection,
    Issue,
    Loan,
    Placement,
    Product,
    Repayment,
    ScheduleItem,
    Staff,
    Visit,
)

_ids = count(1)


def D(text: str) -> date:  # noqa: N802 - reads like a literal in the tests
    return date.fromisoformat(text)


def M(text: str) -> Decimal:  # noqa: N802
    return Decimal(text)


def reference(conn: Connection) -> None:
    conn.execute(
        insert(Branch),
        [
            {"branch_id": "HQ", "name": "总行", "parent_id": None},
            {"branch_id": "B1", "name": "北京分行", "parent_id": "HQ"},
            {"branch_id": "B11", "name": "朝阳支行", "parent_id": "B1"},
            {"branch_id": "B2", "name": "上海分行", "parent_id": "HQ"},
        ],
    )
    staff = [
        ("O1", "account_officer", "B11", None),
        ("O2", "account_officer", "B2", None),
        ("O3", "account_officer", "B2", D("2024-06-30")),
        ("C1", "phone_collector", "B1", None),
        ("R1", "risk_manager", "B1", None),
    ]
    conn.execute(
        insert(Staff),
        [
            {
                "staff_id": s,
                "name": s,
                "role": r,
                "branch_id": b,
                "joined_on": D("2015-01-01"),
                "left_on": left,
            }
            for s, r, b, left in staff
        ],
    )
    conn.execute(
        insert(Product),
        [
            {
                "product_id": "P1",
                "name": "消费贷",
                "category": "consumer",
                "repayment_method": "equal_instalment",
                "periodic_check_months": None,
            },
            {
                "product_id": "P2",
                "name": "经营贷",
                "category": "business",
                "repayment_method": "interest_first",
                "periodic_check_months": 6,
            },
        ],
    )
    conn.execute(
        insert(Channel),
        [
            {"channel_id": "CH1", "name": "网点", "grade": "A"},
            {"channel_id": "CH2", "name": "线上", "grade": "B"},
        ],
    )
    conn.execute(
        insert(Customer),
        [
            {
                "customer_id": "K1",
                "name": "王伟",
                "id_number": "110101199001011234",
                "phone": "13812345678",
                "address": None,
                "credit_grade": "good",
                "repayment_capacity": "strong",
            }
        ],
    )
    conn.execute(
        insert(Agency),
        [
            {"agency_id": "A1", "name": "甲催收", "commission_rate": M("0.10")},
            {"agency_id": "A2", "name": "乙催收", "commission_rate": M("0.15")},
        ],
    )


def loan(
    conn: Connection,
    loan_id: str,
    principal: str,
    disbursed_on: str,
    instalments: list[tuple[str, str, str]],
    *,
    branch: str = "B11",
    officer: str = "O1",
    product: str = "P1",
    channel: str | None = "CH1",
    mode: str = "entrusted",
    written_off_on: str | None = None,
) -> None:
    """instalments: (due_on, principal_due, interest_due), numbered from 1."""
    conn.execute(
        insert(Loan),
        [
            {
                "loan_id": loan_id,
                "customer_id": "K1",
                "product_id": product,
                "branch_id": branch,
                "officer_id": officer,
                "channel_id": channel,
                "principal": M(principal),
                "annual_rate": M("0.12"),
                "term_months": max(len(instalments), 1),
                "disbursed_on": D(disbursed_on),
                "maturity_on": D(instalments[-1][0]) if instalments else D(disbursed_on),
                "payment_mode": mode,
                "written_off_on": D(written_off_on) if written_off_on else None,
            }
        ],
    )
    if instalments:
        conn.execute(
            insert(ScheduleItem),
            [
                {
                    "loan_id": loan_id,
                    "instalment_no": n,
                    "due_on": D(due),
                    "principal_due": M(p),
                    "interest_due": M(i),
                }
                for n, (due, p, i) in enumerate(instalments, start=1)
            ],
        )


def pay(
    conn: Connection,
    loan_id: str,
    instalment_no: int | None,
    paid_on: str,
    principal: str,
    interest: str = "0",
) -> None:
    conn.execute(
        insert(Repayment),
        [
            {
                "repayment_id": f"R{next(_ids)}",
                "loan_id": loan_id,
                "instalment_no": instalment_no,
                "paid_on": D(paid_on),
                "principal_paid": M(principal),
                "interest_paid": M(interest),
            }
        ],
    )


def override(conn: Connection, loan_id: str, effective_on: str, classification: str) -> None:
    conn.execute(
        insert(ClassificationOverride),
        [
            {
                "loan_id": loan_id,
                "effective_on": D(effective_on),
                "classification": classification,
                "reason": "担保人失联",
                "staff_id": "R1",
            }
        ],
    )


def inspect(
    conn: Connection, loan_id: str, kind: str, done_on: str, method: str = "onsite", staff: str = "O1"
) -> None:
    conn.execute(
        insert(Inspection),
        [
            {
                "inspection_id": f"I{next(_ids)}",
                "loan_id": loan_id,
                "kind": kind,
                "done_on": D(done_on),
                "method": method,
                "staff_id": staff,
                "funds_use_ok": True,
                "risk_signal": False,
                "notes": None,
            }
        ],
    )


def place(
    conn: Connection, loan_id: str, agency: str, placed_on: str, amount: str, recalled_on: str | None = None
) -> str:
    pid = f"PL{next(_ids)}"
    conn.execute(
        insert(Placement),
        [
            {
                "placement_id": pid,
                "loan_id": loan_id,
                "agency_id": agency,
                "placed_on": D(placed_on),
                "recalled_on": D(recalled_on) if recalled_on else None,
                "placed_amount": M(amount),
            }
        ],
    )
    return pid


def act(
    conn: Connection,
    loan_id: str,
    acted_at: str,
    channel: str,
    *,
    agency: str | None = None,
    staff: str | None = None,
    result: str = "connected",
    ptp_amount: str | None = None,
    ptp_on: str | None = None,
) -> None:
    conn.execute(
        insert(CollectionAction),
        [
            {
                "action_id": f"AC{next(_ids)}",
                "loan_id": loan_id,
                "acted_at": datetime.fromisoformat(acted_at),
                "channel": channel,
                "staff_id": staff,
                "agency_id": agency,
                "result": result,
                "ptp_amount": M(ptp_amount) if ptp_amount else None,
                "ptp_on": D(ptp_on) if ptp_on else None,
                "info_repaired": False,
            }
        ],
    )


def visit(conn: Connection, loan_id: str, visited_on: str) -> str:
    vid = f"V{next(_ids)}"
    conn.execute(
        insert(Visit),
        [
            {
                "visit_id": vid,
                "loan_id": loan_id,
                "visited_on": D(visited_on),
                "method": "phone",
                "staff_id": "O1",
                "content": "回访",
                "feedback": None,
                "satisfaction": 5,
            }
        ],
    )
    return vid


def issue(
    conn: Connection,
    loan_id: str,
    severity: str,
    raised_on: str,
    reported_on: str | None = None,
    resolved_on: str | None = None,
) -> None:
    conn.execute(
        insert(Issue),
        [
            {
                "issue_id": f"IS{next(_ids)}",
                "loan_id": loan_id,
                "visit_id": None,
                "severity": severity,
                "raised_on": D(raised_on),
                "reported_on": D(reported_on) if reported_on else None,
                "resolved_on": D(resolved_on) if resolved_on else None,
                "description": "问题",
            }
        ],
    )
