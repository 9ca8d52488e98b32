"""How a borrower repays: a profile drawn from the borrower's risk, played forward on the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from seed.dates import DAY, days
from seed.draw import Weighted, randint
from seed.ledger import Item, Ledger

# Lifetime probabilities for a loan of risk 1 (the risk multiplies them).
DEFAULT_RATE = 0.08
LATE_PAYER_RATE = 0.15
CURE_SHARE = 0.35
PREPAY_RATE = {"consumer": 0.10, "housing": 0.08, "business": 0.05}
# Secured housing loans are worked out through the collateral rather than written off.
WRITE_OFF_SHARE = {"consumer": 0.9, "business": 0.7, "housing": 0.2}


@dataclass(frozen=True)
class Profile:
    late_share: float  # share of instalments paid after their due date
    default_at: int | None  # index of the first instalment the borrower stops paying
    cure_after: int | None  # days after that due date when the arrears are paid; None: never
    write_off: bool
    prepay_at: int | None  # index of the instalment at which the rest is repaid early
    lost_contact: bool

    @property
    def defaults(self) -> bool:
        return self.default_at is not None and self.cure_after is None


def draw_profile(
    rng: Random, risk: float, category: str, n_instalments: int, interest_first: bool
) -> Profile:
    late_share = rng.uniform(0.25, 0.6) if rng.random() < LATE_PAYER_RATE * risk else 0.04
    default_at = cure_after = None
    write_off = False
    if rng.random() < DEFAULT_RATE * risk:
        if interest_first and rng.random() < 0.4:
            default_at = n_instalments - 1  # the balloon is where interest-only borrowers fail
        else:
            default_at = min(n_instalments - 1, int(rng.triangular(0, n_instalments, 0.15 * n_instalments)))
        if rng.random() < CURE_SHARE:
            cure_after = rng.choice(
                (randint(rng, 15, 60), randint(rng, 15, 60), randint(rng, 61, 90), randint(rng, 91, 150))
            )
        else:
            write_off = rng.random() < WRITE_OFF_SHARE[category]
    prepay_at = None
    if n_instalments > 4 and rng.random() < PREPAY_RATE[category]:
        prepay_at = randint(rng, 3, n_instalments - 1)
    lost_contact = rng.random() < (0.4 if default_at is not None and cure_after is None else 0.03)
    return Profile(late_share, default_at, cure_after, write_off, prepay_at, lost_contact)


def repay(rng: Random, ledger: Ledger, profile: Profile) -> None:
    """Play the profile forward over the schedule, up to as_of."""
    items = ledger.items
    floor = ledger.disbursed_on  # payments come in date order
    i = 0
    while i < len(items) and floor <= ledger.as_of:
        if i == profile.prepay_at and _prepay(rng, ledger, i, floor):
            return
        if i == profile.default_at:
            if profile.cure_after is None:
                _default(rng, ledger, i, profile.write_off)
                return
            floor = _cure(rng, ledger, i, profile.cure_after)
            while i < len(items) and items[i].due <= floor:
                i += 1
            continue
        floor = _pay_instalment(rng, ledger, items[i], floor, profile.late_share)
        i += 1


# Days late of a late instalment: mostly a few days, some into the next month.
_LATE_DAYS = ((1, 5), (6, 15), (16, 30), (31, 45))
_LATE_WEIGHTS = (55, 30, 11, 4)
_LATE = Weighted(_LATE_DAYS, _LATE_WEIGHTS)


def _pay_instalment(rng: Random, ledger: Ledger, item: Item, floor: date, late_share: float) -> date:
    due = item.due
    draw = rng.random()
    if draw < late_share:
        low, high = _LATE.pick(rng)
        on = max(due + days(rng, low, high), floor)
        if floor <= due and rng.random() < 0.3:  # part on the day, the rest when the money comes
            ledger.pay(item, due, item.remaining * randint(rng, 20, 70) // 100)
        ledger.pay(item, on, item.remaining)
        return on
    if draw < late_share + 0.02:  # paid from two accounts on the day
        on = max(due, floor)
        ledger.pay(item, on, item.remaining // 2)
        ledger.pay(item, on, item.remaining)
        return on
    early = 0 if rng.random() < 0.75 else randint(rng, 1, 5)
    on = max(due - timedelta(days=early), floor)
    ledger.pay(item, on, item.remaining)
    return on


def _prepay(rng: Random, ledger: Ledger, i: int, floor: date) -> bool:
    items = ledger.items
    previous = items[i - 1].due if i else ledger.disbursed_on
    on = max(previous + days(rng, 3, 25), floor + DAY)
    if on >= items[i].due:
        return False
    ledger.pay(items[i], on, items[i].remaining)
    for item in items[i + 1 :]:
        ledger.pay_principal(item, on)
    return True


def _cure(rng: Random, ledger: Ledger, i: int, cure_after: int) -> date:
    """Fall behind from instalment i, then catch up (sometimes in two steps: M3 -> M1 -> M0)."""
    items = ledger.items
    cure_on = items[i].due + timedelta(days=cure_after)
    if cure_after > 20 and rng.random() < 0.35:
        ledger.pay(items[i], items[i].due + days(rng, 10, cure_after - 5), items[i].remaining)
    for item in items[i:]:
        if item.due > cure_on:
            break
        ledger.pay(item, cure_on, item.remaining)
    return cure_on


def _default(rng: Random, ledger: Ledger, i: int, write_off: bool) -> None:
    """Stop paying from instalment i: part payments in collection, maybe write-off and recoveries."""
    start = ledger.items[i].due
    item = ledger.items[i]
    for on in sorted(start + days(rng, 10, 170) for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3)))):
        # A part payment never clears the instalment: the borrower is still in default.
        ledger.pay(item, on, min(item.remaining * randint(rng, 10, 50) // 100, item.remaining - 100))
    if not write_off:
        return
    written_off_on = start + days(rng, 180, 360)
    if written_off_on > ledger.as_of:
        return
    ledger.written_off_on = written_off_on
    if rng.random() < 0.45:
        base = ledger.outstanding
        for on in sorted(written_off_on + days(rng, 15, 540) for _ in range(randint(rng, 1, 3))):
            amount = base * randint(rng, 2, 15) // 10_000 * 100  # whole yuan
            oldest = ledger.first_unsettled()
            if oldest and rng.random() < 0.6:
                ledger.pay(oldest, on, amount)
            else:
                ledger.recover(on, amount)
