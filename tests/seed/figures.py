"""DOMAIN section 4 read literally over generated rows, to check the generator against the definitions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from db.models.enums import CLASSES
from seed.sink import Tables

HALF_CENT = Decimal("0.005")


class Book:
    def __init__(self, tables: Tables) -> None:
        self.loans = {loan["loan_id"]: loan for loan in tables["loans"]}
        self.schedule: dict[str, list[dict]] = defaultdict(list)
        for item in tables["schedule"]:
            self.schedule[item["loan_id"]].append(item)
        self.repayments: dict[str, list[dict]] = defaultdict(list)
        for repayment in tables["repayments"]:
            self.repayments[repayment["loan_id"]].append(repayment)
        self.overrides: dict[str, list[dict]] = defaultdict(list)
        for override in tables["classification_overrides"]:
            self.overrides[override["loan_id"]].append(override)

    def outstanding(self, loan_id: str, d: date) -> Decimal:
        paid = sum(r["principal_paid"] for r in self.repayments[loan_id] if r["paid_on"] <= d)
        return self.loans[loan_id]["principal"] - paid

    def dpd(self, loan_id: str, d: date) -> int:
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for r in self.repayments[loan_id]:
            if r["paid_on"] <= d and r["instalment_no"] is not None:
                paid[r["instalment_no"]] += r["principal_paid"] + r["interest_paid"]
        late = [
            (d - item["due_on"]).days
            for item in self.schedule[loan_id]
            if item["due_on"] < d
            and item["principal_due"] + item["interest_due"] - paid[item["instalment_no"]] >= HALF_CENT
        ]
        return max(late, default=0)

    def active(self, loan_id: str, d: date) -> bool:
        loan = self.loans[loan_id]
        written_off = loan["written_off_on"] is not None and loan["written_off_on"] <= d
        return loan["disbursed_on"] <= d and not written_off and self.outstanding(loan_id, d) >= HALF_CENT

    def effective_class(self, loan_id: str, d: date) -> int:
        rank = system_class(self.dpd(loan_id, d))
        earlier = [o for o in self.overrides[loan_id] if o["effective_on"] <= d]
        if earlier:
            latest = max(earlier, key=lambda o: o["effective_on"])
            rank = max(rank, CLASSES.index(latest["classification"]))
        return rank

    def ratios(self, d: date) -> tuple[Decimal, Decimal]:
        """(overdue ratio, NPL ratio) of the active loans at d."""
        balance = overdue = npl = Decimal(0)
        for loan_id in self.loans:
            if not self.active(loan_id, d):
                continue
            op = self.outstanding(loan_id, d)
            balance += op
            if self.dpd(loan_id, d) > 0:
                overdue += op
            if self.effective_class(loan_id, d) >= CLASSES.index("substandard"):
                npl += op
        return overdue / balance, npl / balance


def system_class(dpd: int) -> int:
    if dpd > 360:
        return 4
    if dpd > 270:
        return 3
    if dpd > 90:
        return 2
    return 1 if dpd > 0 else 0
