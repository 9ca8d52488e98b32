"""Repayment schedules by repayment method, in integer cents so the principal sums exactly."""

from __future__ import annotations

from datetime import date

from dashboard.kpi.periods import shift_months

Instalment = tuple[date, int, int]  # due_on, principal_due, interest_due (cents)


def _interest(balance: int, rate_bp: int, months: int = 1) -> int:
    """Interest in cents on balance for the months at an annual rate in basis points, rounded half up."""
    numerator = balance * rate_bp * months
    return (2 * numerator + 120_000) // 240_000


def build_schedule(
    method: str, principal: int, rate_bp: int, term: int, disbursed_on: date
) -> list[Instalment]:
    if method == "bullet":
        return [(shift_months(disbursed_on, term), principal, _interest(principal, rate_bp, term))]
    if method == "interest_first":
        principals = [0] * (term - 1) + [principal]
    elif method == "equal_principal":
        share = principal // term
        principals = [share] * (term - 1) + [principal - share * (term - 1)]
    elif method == "equal_instalment":
        principals = _annuity_principals(principal, rate_bp, term)
    else:
        raise ValueError(f"unknown repayment method {method!r}")

    schedule: list[Instalment] = []
    balance = principal
    for k, principal_due in enumerate(principals, start=1):
        schedule.append((shift_months(disbursed_on, k), principal_due, _interest(balance, rate_bp)))
        balance -= principal_due
    return schedule


def _annuity_principals(principal: int, rate_bp: int, term: int) -> list[int]:
    """Principal parts of a level payment; the last instalment takes whatever rounding left over."""
    r = rate_bp / 120_000
    payment = round(principal * r / (1 - (1 + r) ** -term)) if r else -(-principal // term)
    principals = []
    balance = principal
    for _ in range(term - 1):
        part = min(balance, max(0, payment - _interest(balance, rate_bp)))
        principals.append(part)
        balance -= part
    principals.append(balance)
    return principals
