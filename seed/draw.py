"""Faster spellings of the random draws the generator makes most often, drawing exactly the same numbers.

A million loans make some 300 million draws, and random.choices with weights adds up the weights again
on every call. These helpers consume the generator's stream exactly as the library calls they replace,
so the same seed still gives the same portfolio (tests/seed/test_draw.py holds them to that).
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """rng.choices(values, weights)[0], with the running totals of the weights worked out once."""

    __slots__ = ("_cum", "_hi", "_total", "_values")

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        if len(values) != len(weights) or not values:
            raise ValueError("one weight per value, and at least one value")
        self._values = tuple(values)
        self._cum = list(accumulate(weights))
        # The same arithmetic as random.choices: the float total, and bisect over all but the last.
        self._total = self._cum[-1] + 0.0
        self._hi = len(self._cum) - 1

    def pick(self, rng: Random) -> T:
        return self._values[bisect(self._cum, rng.random() * self._total, 0, self._hi)]


def randint(rng: Random, low: int, high: int) -> int:
    """rng.randint(low, high) for low <= high, without the argument checks of randint and randrange,
    which end in this very call (CPython's random module, 3.2 onwards)."""
    if high < low:
        raise ValueError(f"empty range for randint({low}, {high})")  # as randint: _randbelow(0) never ends
    return low + rng._randbelow(high - low + 1)  # type: ignore[attr-defined]
