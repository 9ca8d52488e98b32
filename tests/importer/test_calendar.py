"""calendar.csv (issue 17): the working-day calendar for the years the package lacks; a bad date or a
duplicate is refused by file:line and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from dashboard.importer import ExtractInvalid, import_files
from dashboard.workdays import add_workdays
from db.models import Workday


def test_calendar_csv_extends_the_calendar_and_deadlines_follow(engine: Engine) -> None:
    # 2027: Jan 1 (Friday) a holiday, Sunday Jan 3 a make-up working day (made up for the test).
    rows = ["date,is_workday"] + [f"2027-01-{d:02d},{int(d in (3, 4, 5))}" for d in range(1, 6)]
    summary = import_files(engine, {"calendar.csv": "\n".join(rows) + "\n"})
    assert summary.rows["workdays"] == 5
    with engine.connect() as conn:
        # Dec 31 2026 (package) + 1 working day: Jan 1-2 off, the make-up Sunday Jan 3.
        assert add_workdays(conn, date(2026, 12, 31), 1).day == date(2027, 1, 3)
        assert add_workdays(conn, date(2026, 12, 31), 2).day == date(2027, 1, 4)
        # Past the imported days: Monday to Friday, and said so.
        assert add_workdays(conn, date(2027, 1, 5), 1).source == "weekends"
    # The same file again changes nothing; a later file corrects a day.
    import_files(engine, {"calendar.csv": "\n".join(rows) + "\n"})
    import_files(engine, {"calendar.csv": "date,is_workday\n2027-01-03,0\n"})
    with engine.connect() as conn:
        assert add_workdays(conn, date(2026, 12, 31), 1).day == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("date,is_workday\n2027-02-30,1\n", "calendar.csv:2: date:"),
        ("date,is_workday\n2027-01-04,1\n2027-01-05,0\n2027-01-04,0\n", "calendar.csv:4: date:"),
        ("date,is_workday\n2027-01-04,yes\n", "calendar.csv:2: is_workday:"),
    ],
)
def test_a_bad_date_or_a_duplicate_is_refused_and_nothing_written(
    engine: Engine, text: str, problem: str
) -> None:
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Workday)).scalar_one()
    with pytest.raises(ExtractInvalid) as refused:
        import_files(engine, {"calendar.csv": text})
    assert any(str(p).startswith(problem) for p in refused.value.problems), refused.value.problems
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Workday)).scalar_one() == before
