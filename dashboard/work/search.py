"""Find a loan (issue 4 item 1): by contract number, customer name or the last four characters of the ID
number.

The typed text reaches SQL only as a bound parameter. The LIKE patterns are built with autoescape, so a `%` or
`_` in the text matches itself, not "anything".
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, case, or_, select

from dashboard.access import loan_condition
from dashboard.actor import Actor
from dashboard.auth.masking import mask_id
from dashboard.work.external import sees_internal
from db.models import Branch, Customer, Loan, Product, Staff

MIN_TEXT = 2
MAX_TEXT = 100  # longer than any contract number or name: a paste of something else finds nothing
ID_TAIL = 4
COLUMNS = ["loan_id", "customer", "id_number", "product", "branch", "officer", "disbursed_on", "principal"]


def search_text(text: str | None) -> str | None:
    """The text as searched, or None when it is too short (or too long) to search."""
    cleaned = (text or "").strip()
    return cleaned if MIN_TEXT <= len(cleaned) <= MAX_TEXT else None


def search_loans(conn: Connection, actor: Actor, text: str | None, limit: int = 50) -> pd.DataFrame:
    """Loans in the actor's scope whose contract number starts with `text` (an exact match first), whose
    customer's name contains it, or, for a four-character text, whose customer's ID number ends with it.
    Case is ignored. ID numbers come back masked; an agency gets no officer column (the lender's staff). An
    empty frame for a text under 2 characters."""
    needle = search_text(text)
    if needle is None:
        return pd.DataFrame(columns=COLUMNS)
    matches = [
        Loan.loan_id.istartswith(needle, autoescape=True),
        Customer.name.icontains(needle, autoescape=True),
    ]
    if len(needle) == ID_TAIL:
        matches.append(Customer.id_number.iendswith(needle, autoescape=True))
    exact_first = case((Loan.loan_id == needle, 0), else_=1)
    rows = conn.execute(
        select(
            Loan.loan_id,
            Customer.name,
            Customer.id_number,
            Product.name,
            Branch.name,
            Staff.name,
            Loan.disbursed_on,
            Loan.principal,
        )
        .join(Customer, Customer.customer_id == Loan.customer_id)
        .join(Product, Product.product_id == Loan.product_id)
        .join(Branch, Branch.branch_id == Loan.branch_id)
        .join(Staff, Staff.staff_id == Loan.officer_id)
        .where(or_(*matches), loan_condition(actor))
        .order_by(exact_first, Loan.loan_id)
        .limit(limit)
    ).all()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["id_number"] = [mask_id(x) for x in frame["id_number"]]
    return frame if sees_internal(actor) else frame.drop(columns=["officer"])
