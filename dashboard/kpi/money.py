"""Exact money and ratios: SQL returns integer cents, Python turns them into Decimal yuan."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def yuan(cents: int | Decimal | None) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def round_yuan(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """A ratio whose denominator is zero is empty, not zero (DOMAIN section 4)."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)
