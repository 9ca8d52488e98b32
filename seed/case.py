"""One loan while it is being generated: who and what it is, and how it was repaid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seed.behaviour import Profile
from seed.dates import DAY
from seed.ledger import Ledger
from seed.reference import Person, ProductSpec, SubBranch


@dataclass
class LoanCase:
    loan_id: str
    sub: SubBranch
    officer: Person
    product: ProductSpec
    disbursed_on: date
    self_payment: bool
    ledger: Ledger
    profile: Profile

    def caretaker(self, d: date) -> Person:
        return self.sub.caretaker(self.officer, d)

    @property
    def last_active_day(self) -> date:
        """The last day (up to as_of) the loan is on the books: not yet repaid in full or written off."""
        ledger = self.ledger
        ends = [ledger.as_of]
        if ledger.closed_on:
            ends.append(ledger.closed_on - DAY)
        if ledger.written_off_on:
            ends.append(ledger.written_off_on - DAY)
        return min(ends)
