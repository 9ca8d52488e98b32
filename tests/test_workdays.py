"""The working-day calendar (issue 17): deadlines across National Day and Spring Festival 2025, make-up
weekend days, the Monday-to-Friday fallback where the table has no row, and the admins' edits."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, delete, select

from dashboard.actor import Actor
from dashboard.work.calendar_edit import set_workday
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.workdays import Deadline, add_workdays, calendar_gap, fill_from_package, renumber
from db.models import AuditEntry, Workday

D = date.fromisoformat
ADMIN = Actor(username="admin", role="admin")


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-09-30", 1, "2025-10-09"),  # the Tuesday before National Day: Oct 1-8 off
        ("2025-09-26", 1, "2025-09-28"),  # Friday -> the make-up Sunday
        ("2025-09-27", 1, "2025-09-28"),  # Saturday -> the make-up Sunday
        ("2025-10-09", 2, "2025-10-11"),  # Thu + 2: Fri, then the make-up Saturday
        ("2025-10-01", 0, "2025-10-09"),  # same day when a working day, else the next one
        ("2025-09-30", 0, "2025-09-30"),
        ("2025-01-24", 1, "2025-01-26"),  # Spring Festival 2025: the make-up Sunday Jan 26
        ("2025-01-27", 1, "2025-02-05"),  # Jan 28 - Feb 4 off
        ("2025-02-07", 1, "2025-02-08"),  # the make-up Saturday Feb 8
        ("2025-02-05", 3, "2025-02-08"),
    ],
)
def test_add_workdays_follows_the_calendar(engine: Engine, start: str, n: int, due: str) -> None:
    with engine.connect() as conn:
        assert add_workdays(conn, D(start), n) == Deadline(D(due), "calendar")


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2030-01-04", 1, "2030-01-07"),  # Friday -> Monday
        ("2030-01-05", 1, "2030-01-07"),  # Saturday -> Monday
        ("2030-01-06", 1, "2030-01-07"),  # Sunday -> Monday
        ("2030-01-07", 1, "2030-01-08"),
        ("2030-01-07", 5, "2030-01-14"),
        ("2030-01-04", 6, "2030-01-14"),
        ("2030-01-05", 0, "2030-01-07"),
        ("2030-01-08", 0, "2030-01-08"),
    ],
)
def test_without_rows_it_counts_monday_to_friday_and_says_so(
    engine: Engine, start: str, n: int, due: str
) -> None:
    with engine.connect() as conn:
        got = add_workdays(conn, D(start), n)
    assert (got.day, got.source) == (D(due), "weekends")


def test_a_gap_in_the_table_falls_back_for_the_spans_it_cuts(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Workday).where(Workday.day == D("2025-10-05")))
        renumber(conn)
        # The span Sep 30 -> Oct 9 crosses the missing day: Monday to Friday gives Oct 1.
        assert add_workdays(conn, D("2025-09-30"), 1).source == "weekends"
        assert add_workdays(conn, D("2025-10-09"), 1).day == D("2025-10-10")


def test_the_migration_fills_the_package_years_and_fill_adds_only_missing_days(engine: Engine) -> None:
    with engine.begin() as conn:
        assert conn.execute(select(Workday.is_workday).where(Workday.day == D("2025-09-28"))).scalar() is True
        assert calendar_gap(conn, D("2026-12-15")) == 13  # Dec 15-31 known, 2027 not
        assert calendar_gap(conn, D("2025-06-01")) == 0
        conn.execute(delete(Workday).where(Workday.day >= D("2025-01-01")))
        assert fill_from_package(conn, range(2025, 2026)) == 365
        assert fill_from_package(conn, range(2025, 2026)) == 0
        assert add_workdays(conn, D("2025-09-30"), 1).day == D("2025-10-09")


def test_an_admin_edit_moves_the_deadline_and_is_audited(engine: Engine) -> None:
    set_workday(engine, ADMIN, D("2025-10-09"), False, "t1")
    with engine.connect() as conn:
        assert add_workdays(conn, D("2025-09-30"), 1).day == D("2025-10-10")
        audit = conn.execute(
            select(AuditEntry.action, AuditEntry.record_key).where(AuditEntry.table_name == "workdays")
        ).all()
    assert audit == [("update", "2025-10-09")]
    with pytest.raises(NotAllowed):
        set_workday(engine, Actor(username="o", role="officer"), D("2025-10-09"), True, "t2")
    with pytest.raises(FormInvalid) as refused:
        set_workday(engine, ADMIN, None, True, "t3")
    assert "date" in refused.value.errors
