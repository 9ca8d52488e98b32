"""Figures the pages used to work out themselves, now in the KPI engine: the sampling rate over officers and
the overdue and NPL ratios of a group of officers."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from dashboard.kpi.inspections import SAMPLING_COLUMNS, sampling_rate
from dashboard.kpi.staff import OfficerScore, combined_ratios


def _samples(*officers: tuple[str, int, int]) -> pd.DataFrame:
    rows = [(officer, "2025-03", required * 10, required, done, None) for officer, required, done in officers]
    return pd.DataFrame(rows, columns=SAMPLING_COLUMNS)


def test_sampling_rate_counts_each_officer_up_to_what_they_owe() -> None:
    # S1 sampled 5 of the 2 owed, S2 none of 3: the extra three do not cover S2, so 2 of 5, not 5 of 5.
    assert sampling_rate(_samples(("S1", 2, 5), ("S2", 3, 0))) == Decimal(2) / Decimal(5)
    assert sampling_rate(_samples(("S1", 4, 1), ("S2", 4, 4))) == Decimal(5) / Decimal(8)


def test_sampling_rate_of_no_officers_is_none() -> None:
    assert sampling_rate(_samples()) is None


def _score(staff_id: str, balance: str, overdue: str, npl: str) -> OfficerScore:
    return OfficerScore(
        staff_id,
        staff_id,
        1,
        Decimal(balance),
        Decimal(overdue),
        Decimal(npl),
        Decimal("0.03"),
        Decimal("0.01"),
    )


def test_combined_ratios_divide_the_sums_not_average_the_ratios() -> None:
    # Ratios 50% and 1% average to 25.5%; the balances together give 51 / 1100.
    scores = [_score("S1", "100", "50", "10"), _score("S2", "1000", "1", "0")]
    assert combined_ratios(scores) == (Decimal(51) / Decimal(1100), Decimal(10) / Decimal(1100))


def test_combined_ratios_of_no_balance_are_none() -> None:
    assert combined_ratios([]) == (None, None)
