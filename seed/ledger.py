"""One loan's instalments and payments, and the arrears they add up to (DOMAIN section 4).

Amounts are integer cents. Payments dated after as_of are not recorded: the ledger is the loan as
the core-banking system saw it at the end of as_of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from seed.dates import DAY
from seed.schedule import Instalment

Payment = tuple[int | None, date, int, int]  # instalment_no, paid_on, principal_paid, interest_paid


@dataclass(slots=True)
class Item:
    no: int
    due: date
    principal: int
    interest: int
    paid_principal: int = 0
    paid_interest: int = 0
    settled: date | None = None  # the day it was paid in full

    @property
    def remaining(self) -> int:
        return self.principal + self.interest - self.paid_principal - self.paid_interest


@dataclass(frozen=True)
class Episode:
    """A stretch of days past due: from start (DPD 1) until end, the day it was cleared (None: still due)."""

    start: date
    end: date | None


class Ledger:
    def __init__(self, schedule: list[Instalment], principal: int, disbursed_on: date, as_of: date) -> None:
        self.items = [Item(no, due, p, i) for no, (due, p, i) in enumerate(schedule, start=1)]
        self.principal = principal
        self.disbursed_on = disbursed_on
        self.as_of = as_of
        self.payments: list[Payment] = []
        self.principal_paid = 0
        self.closed_on: date | None = None
        self.written_off_on: date | None = None

    @property
    def outstanding(self) -> int:
        return self.principal - self.principal_paid

    def pay(self, item: Item, on: date, amount: int) -> None:
        """Pay towards one instalment, interest first; never more than is due on it."""
        if on > self.as_of or amount <= 0:
            return
        interest = min(amount, item.interest - item.paid_interest)
        principal = min(amount - interest, item.principal - item.paid_principal, self.outstanding)
        if principal + interest > 0:
            item.paid_interest += interest
            item.paid_principal += principal
            if item.remaining == 0:
                item.settled = on
            self._record(item.no, on, principal, interest)

    def pay_principal(self, item: Item, on: date) -> None:
        """Repay an instalment's principal ahead of time (its interest is no longer earned)."""
        principal = item.principal - item.paid_principal
        if on <= self.as_of and principal > 0:
            item.paid_principal += principal
            self._record(item.no, on, principal, 0)

    def recover(self, on: date, amount: int) -> None:
        """A recovery after write-off booked against the balance, not against an instalment."""
        principal = min(amount, self.outstanding)
        if on <= self.as_of and principal > 0:
            self._record(None, on, principal, 0)

    def _record(self, no: int | None, on: date, principal: int, interest: int) -> None:
        self.payments.append((no, on, principal, interest))
        self.principal_paid += principal
        if self.outstanding == 0 and self.closed_on is None:
            self.closed_on = on

    def outstanding_on(self, d: date) -> int:
        return self.principal - sum(p for _, on, p, _ in self.payments if on <= d)

    def first_unsettled(self) -> Item | None:
        return next((item for item in self.items if item.settled is None), None)

    def oldest_due(self, d: date) -> date | None:
        """Due date of the oldest instalment unpaid at d that fell due before d (DOMAIN section 4)."""
        for item in self.items:
            if item.due >= d:
                return None
            if item.settled is None or item.settled > d:
                return item.due
        return None

    def dpd(self, d: date) -> int:
        oldest = self.oldest_due(d)
        return (d - oldest).days if oldest else 0

    def overdue(self, d: date) -> int:
        """What remains unpaid at d on instalments that fell due before d."""
        due = {item.no: item.principal + item.interest for item in self.items if item.due < d}
        for no, on, principal, interest in self.payments:
            if no in due and on <= d:
                due[no] -= principal + interest
        return sum(due.values())

    def episodes(self) -> list[Episode]:
        """Stretches past due up to as_of; a loan repaid in full early has none after that."""
        cutoff = min(self.as_of, self.closed_on) if self.closed_on else self.as_of
        merged: list[Episode] = []
        for item in self.items:
            if item.due >= cutoff:
                break
            if item.settled is not None and item.settled <= item.due + DAY:
                continue  # paid by the end of the day after: never past due at the end of a day
            start, end = item.due + DAY, item.settled
            last = merged[-1] if merged else None
            if last and (last.end is None or start <= last.end):
                merged[-1] = Episode(
                    last.start, None if last.end is None or end is None else max(last.end, end)
                )
            else:
                merged.append(Episode(start, end))
        return merged

    def first_day_past(self, episode: Episode, threshold: int) -> date | None:
        """The first day of the episode with DPD >= threshold (DPD only drops on payment days)."""
        last = episode.end - DAY if episode.end else self.as_of
        cuts = sorted({i.settled for i in self.items if i.settled and episode.start < i.settled <= last})
        bounds = [episode.start, *cuts, last + DAY]
        for a, b in pairwise(bounds):
            oldest = self.oldest_due(a)
            if oldest is not None:
                d = max(a, oldest + timedelta(days=threshold))
                if d < b:
                    return d
        return None
