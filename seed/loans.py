"""Loans: the borrower, the terms, the schedule, the repayments, then the post-loan work on each."""

from __future__ import annotations

import math
from collections import deque
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from dashboard.kpi.periods import shift_months
from seed import names
from seed.behaviour import draw_profile, repay
from seed.case import LoanCase
from seed.collection import collect
from seed.dates import days
from seed.draw import Weighted, randint
from seed.ledger import Ledger
from seed.reference import Person, Reference, SubBranch
from seed.schedule import build_schedule
from seed.sink import Sink, yuan
from seed.work import inspect, post_loan_work

_GRADES = Weighted(("good", "fair", "poor"), (60, 30, 10))
_CAPACITY = {
    "good": Weighted(("strong", "fair", "weak"), (60, 35, 5)),
    "fair": Weighted(("strong", "fair", "weak"), (25, 55, 20)),
    "poor": Weighted(("strong", "fair", "weak"), (5, 45, 50)),
}
_GRADE_RISK = {"good": 0.5, "fair": 1.3, "poor": 3.0}
_CHANNEL_RISK = {"A": 0.8, "B": 1.0, "C": 1.5}
REPEAT_BORROWER_SHARE = 0.07
SELF_PAYMENT_LIMIT = 30_000_000  # cents: above 300,000 yuan the lender pays the vendor (受托支付)
SAMPLING_SHARE = 0.10  # DOMAIN rule 4
CONTACT_RELATIONS = ("配偶", "父亲", "母亲", "子女", "兄弟姐妹", "同事", "单位", "朋友")


class LoanBook:
    def __init__(self, rng: Random, reference: Reference, as_of: date, sink: Sink) -> None:
        self.rng = rng
        self.ref = reference
        self.as_of = as_of
        self.sink = sink
        self._products = Weighted(reference.products, [p.weight for p in reference.products])
        self._channels = {
            category: Weighted(reference.channels, [c.weights[category] for c in reference.channels])
            for category in {p.category for p in reference.products}
        }
        # Recent borrowers of each sub-branch, some of whom come back for another loan.
        self._borrowers: dict[str, deque[tuple[str, str]]] = {
            sub.branch_id: deque(maxlen=300) for sub in reference.sub_branches
        }

    def book_group(self, sub: SubBranch, officer: Person, month: date, disbursed: list[date]) -> None:
        """The loans one officer booked in one month, then next month's sampling checks of them."""
        cases = [self._loan(sub, officer, d) for d in sorted(disbursed)]
        self._sampling(officer, shift_months(month, 1), cases)

    def _loan(self, sub: SubBranch, officer: Person, disbursed_on: date) -> LoanCase:
        rng, sink = self.rng, self.sink
        product = self._products.pick(rng)
        channel = self._channels[product.category].pick(rng)
        customer_id, grade = self._borrower(sub, disbursed_on)
        low, high = product.amount
        step = product.amount_step
        principal = max(low, round(math.exp(rng.uniform(math.log(low), math.log(high))) / step) * step) * 100
        rate_bp = rng.randrange(product.rate_bp[0], product.rate_bp[1] + 1, 5)
        term = rng.choice(product.terms)
        self_payment = principal <= SELF_PAYMENT_LIMIT and rng.random() < product.self_share
        schedule = build_schedule(product.method, principal, rate_bp, term, disbursed_on)
        risk = _GRADE_RISK[grade] * _CHANNEL_RISK[channel.grade] * product.risk
        profile = draw_profile(rng, risk, product.category, len(schedule), product.method == "interest_first")
        ledger = Ledger(schedule, principal, disbursed_on, self.as_of)
        repay(rng, ledger, profile)

        loan_id = sink.new_id("loans")
        sink.add(
            "loans",
            {
                "loan_id": loan_id,
                "customer_id": customer_id,
                "product_id": product.product_id,
                "branch_id": sub.branch_id,
                "officer_id": officer.staff_id,
                "channel_id": channel.channel_id,
                "principal": yuan(principal),
                "annual_rate": Decimal(rate_bp).scaleb(-4),
                "term_months": term,
                "disbursed_on": disbursed_on,
                "maturity_on": schedule[-1][0],
                "payment_mode": "self" if self_payment else "entrusted",
                "written_off_on": ledger.written_off_on,
            },
        )
        for no, (due_on, principal_due, interest_due) in enumerate(schedule, start=1):
            sink.add(
                "schedule",
                {
                    "loan_id": loan_id,
                    "instalment_no": no,
                    "due_on": due_on,
                    "principal_due": yuan(principal_due),
                    "interest_due": yuan(interest_due),
                },
            )
        for no, paid_on, principal_paid, interest_paid in ledger.payments:
            sink.add(
                "repayments",
                {
                    "repayment_id": sink.new_id("repayments"),
                    "loan_id": loan_id,
                    "instalment_no": no,
                    "paid_on": paid_on,
                    "principal_paid": yuan(principal_paid),
                    "interest_paid": yuan(interest_paid),
                },
            )
        case = LoanCase(loan_id, sub, officer, product, disbursed_on, self_payment, ledger, profile)
        collect(rng, sink, case, self.ref.agencies)
        post_loan_work(rng, sink, case)
        return case

    def _borrower(self, sub: SubBranch, disbursed_on: date) -> tuple[str, str]:
        """A new customer, or now and then one of the sub-branch's recent borrowers: (customer_id, grade)."""
        rng = self.rng
        recent = self._borrowers[sub.branch_id]
        if recent and rng.random() < REPEAT_BORROWER_SHARE:
            return rng.choice(recent)
        male = rng.random() < 0.6
        born = disbursed_on - timedelta(days=randint(rng, 22 * 365, 58 * 365))
        region = sub.region_code if rng.random() < 0.7 else rng.choice(names.MIGRANT_REGIONS)
        grade = _GRADES.pick(rng)
        customer_id = self.sink.new_id("customers")
        self.sink.add(
            "customers",
            {
                "customer_id": customer_id,
                "name": names.person_name(rng, male),
                "id_number": names.id_number(rng, region, born, male),
                "phone": names.mobile(rng),
                "address": names.address(rng, sub.city, sub.district),
                "credit_grade": grade,
                "repayment_capacity": _CAPACITY[grade].pick(rng),
            },
        )
        self._contacts(customer_id)
        recent.append((customer_id, grade))
        return customer_id, grade

    def _contacts(self, customer_id: str) -> None:
        """One to three contact persons (issue 16), from a generator of the customer's own, so adding them
        left every other generated row as it was."""
        rng = Random(f"contacts/{customer_id}")
        for n in range(1, randint(rng, 1, 3) + 1):
            self.sink.add(
                "contacts",
                {
                    "contact_id": f"{customer_id}-{n}",
                    "customer_id": customer_id,
                    "name": names.person_name(rng, rng.random() < 0.5),
                    "relation": rng.choice(CONTACT_RELATIONS),
                    "phone": names.mobile(rng),
                },
            )

    def _sampling(self, officer: Person, month: date, cases: list[LoanCase]) -> None:
        """DOMAIN rule 4: on-site checks of 10-15% of last month's loans by the 20th; some months short."""
        rng = self.rng
        required = math.ceil(SAMPLING_SHARE * len(cases))
        if rng.random() < 0.05 + 0.5 * (1 - officer.diligence):
            count = randint(rng, 0, required - 1)
        else:
            count = min(len(cases), required + randint(rng, 0, math.ceil(0.05 * len(cases))))
        for case in rng.sample(cases, count):
            done_on = month + (days(rng, 0, 19) if rng.random() < 0.92 else days(rng, 20, 27))
            if done_on <= self.as_of and officer.works_on(done_on):
                method = "onsite" if rng.random() < 0.95 else "offsite"
                inspect(rng, self.sink, case, "sampling", done_on, staff=officer, method=method)
