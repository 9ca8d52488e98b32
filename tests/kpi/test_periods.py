"""Calendar helpers the pages rely on for "previous week" and "previous month-end"."""

from datetime import date

import pytest

from dashboard.kpi.periods import month_ends_until, parse_month, previous_month_end, previous_sunday


@pytest.mark.parametrize(
    ("day", "sunday"),
    [
        (date(2026, 11, 4), date(2026, 11, 1)),
        (date(2026, 11, 1), date(2026, 10, 25)),
        (date(2026, 11, 2), date(2026, 11, 1)),
    ],
)
def test_previous_sunday(day: date, sunday: date) -> None:
    assert previous_sunday(day) == sunday


def test_month_ends_until_skips_the_running_month() -> None:
    assert month_ends_until(date(2026, 3, 15), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]
    assert month_ends_until(date(2026, 2, 28), 1) == [date(2026, 2, 28)]


def test_parse_month_refuses_nonsense() -> None:
    assert parse_month("2026-02") == (2026, 2)
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        parse_month("2026-13")


@pytest.mark.parametrize(
    ("day", "month_end"),
    [
        (date(2026, 3, 15), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 2, 28)),
        (date(2026, 4, 1), date(2026, 3, 31)),
    ],
)
def test_previous_month_end(day: date, month_end: date) -> None:
    assert previous_month_end(day) == month_end
