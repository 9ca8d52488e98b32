"""One generated portfolio shared by the seed tests: generating is the slow part."""

from __future__ import annotations

from datetime import date

import pytest

from seed import generate
from seed.sink import Tables

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="package")
def book() -> Tables:
    return generate(n_loans=2500, seed=7, as_of=AS_OF)
