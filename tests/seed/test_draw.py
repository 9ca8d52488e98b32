"""The fast draws must consume the random stream exactly as the library calls they stand in for."""

from __future__ import annotations

from random import Random

import pytest

from seed.draw import Weighted, randint


@pytest.mark.parametrize("seed", range(5))
def test_weighted_pick_is_choices(seed: int) -> None:
    shape = Random(seed)
    for _ in range(50):
        n = shape.randint(1, 12)
        values = [f"v{i}" for i in range(n)]
        # Whole-number and fractional weights, zeros included: both kinds occur in the generator.
        weights = [shape.choice((0, 1, 3, 0.25, shape.random() * 40)) for _ in range(n)]
        if not sum(weights):
            weights[-1] = 1
        fast, slow = Random(seed * 1000 + n), Random(seed * 1000 + n)
        picker = Weighted(values, weights)
        assert [picker.pick(fast) for _ in range(300)] == [
            slow.choices(values, weights)[0] for _ in range(300)
        ]
        assert fast.random() == slow.random()


def test_weighted_refuses_mismatched_weights() -> None:
    with pytest.raises(ValueError):
        Weighted(["a", "b"], [1])


@pytest.mark.parametrize(
    ("low", "high"), [(0, 0), (1, 5), (3, 25), (180, 360), (22 * 365, 58 * 365), (0, 2**40)]
)
def test_randint_is_randint(low: int, high: int) -> None:
    fast, slow = Random(low + high), Random(low + high)
    assert [randint(fast, low, high) for _ in range(500)] == [slow.randint(low, high) for _ in range(500)]
    assert fast.random() == slow.random()


def test_randint_refuses_an_empty_range_as_randint_does() -> None:
    with pytest.raises(ValueError):
        Random(1).randint(5, 4)
    with pytest.raises(ValueError):
        randint(Random(1), 5, 4)
