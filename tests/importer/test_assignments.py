"""assignments.csv (DOMAIN section 5, "Assignments"): each refusal names file, line and column; a hand-over
on one day (ended_on equal to the next assigned_on) is no overlap."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from dashboard.importer import ExtractInvalid, import_directory
from db.models import CollectorAssignment, OfficerHistory
from tests.importer.extract import minimal_extract, write_extract

HEADER = ("assignment_id", "loan_id", "collector_id", "assigned_on", "ended_on")


def _with(rows: list[str], staff: list[str] | None = None) -> dict[str, list[dict[str, str]]]:
    x = minimal_extract()
    x["assignments.csv"] = [dict(zip(HEADER, row.split(","), strict=True)) for row in rows]
    for line in staff or []:
        x["staff.csv"].append(dict(zip(x["staff.csv"][0], line.split(","), strict=True)))
    return x


def _problems(engine: Engine, tmp_path: Path, x: dict[str, list[dict[str, str]]]) -> list[str]:
    with pytest.raises(ExtractInvalid) as refused:
        import_directory(engine, write_extract(tmp_path / "x", x))
    return [str(p) for p in refused.value.problems]


def test_every_bad_assignment_is_reported_with_file_line_and_column(engine: Engine, tmp_path: Path) -> None:
    x = _with(
        [
            "AS1,L9,C1,2024-03-01,",  # unknown loan
            "AS2,L1,C9,2024-03-01,",  # unknown collector
            "AS3,L1,O1,2024-03-01,",  # an account officer
            "AS4,L2,C2,2024-03-01,",  # C2 left on 2024-03-01: gone that day
            "AS5,L3,C1,2023-08-01,2023-08-01",  # ends on its start day
            "AS6,L2,C1,2024-02-01,2024-03-05",
            "AS7,L2,C3,2024-03-04,",  # overlaps AS6 by one day
        ],
        staff=[
            "C2,钱多,phone_collector,B1,2020-01-01,2024-03-01",
            "C3,孙立,asset_preservation,B1,2020-01-01,",
        ],
    )
    assert _problems(engine, tmp_path, x) == [
        "assignments.csv:2: loan_id: unknown loan_id 'L9'",
        "assignments.csv:3: collector_id: unknown staff_id 'C9'",
        "assignments.csv:4: collector_id: 'O1' is a account_officer, not a collector "
        "(phone_collector or asset_preservation)",
        "assignments.csv:5: collector_id: 'C2' left on 2024-03-01, on or before assigned_on 2024-03-01",
        "assignments.csv:6: ended_on: 2023-08-01 is not after assigned_on 2023-08-01",
        "assignments.csv:8: assigned_on: loan 'L2' is already assigned on 2024-03-04: assignment 'AS6' "
        "from 2024-02-01, until 2024-03-05",
    ]


def test_a_hand_over_on_one_day_is_accepted_and_an_overlap_with_stored_rows_refused(
    engine: Engine, tmp_path: Path
) -> None:
    staff = ["C3,孙立,asset_preservation,B1,2020-01-01,"]
    import_directory(engine, write_extract(tmp_path / "a", _with(["AS6,L2,C1,2024-02-01,2024-03-05"], staff)))
    import_directory(engine, write_extract(tmp_path / "b", _with(["AS7,L2,C3,2024-03-05,"], staff)))
    with engine.connect() as conn:
        stored = conn.execute(
            select(CollectorAssignment.assignment_id, CollectorAssignment.staff_id).order_by("assignment_id")
        ).all()
    assert [tuple(r) for r in stored] == [("AS6", "C1"), ("AS7", "C3")]
    # A later extract that opens a second assignment while AS7 is open: refused, naming the stored one.
    assert _problems(engine, tmp_path, _with(["AS8,L2,C1,2024-04-01,"], staff)) == [
        "assignments.csv:2: assigned_on: loan 'L2' is already assigned on 2024-04-01: assignment 'AS7' "
        "from 2024-03-05, still open",
    ]
    # ...while the same extract may end AS7 first: the file's row replaces the stored one.
    import_directory(
        engine,
        write_extract(
            tmp_path / "c", _with(["AS7,L2,C3,2024-03-05,2024-04-01", "AS8,L2,C1,2024-04-01,"], staff)
        ),
    )


def test_an_extract_that_gives_a_loan_another_officer_writes_its_officer_history(
    engine: Engine, tmp_path: Path
) -> None:
    x = minimal_extract()
    import_directory(engine, write_extract(tmp_path / "a", x))
    x["staff.csv"].append({**x["staff.csv"][0], "staff_id": "O2", "name": "周进"})
    x["loans.csv"][0]["officer_id"] = "O2"
    import_directory(engine, write_extract(tmp_path / "b", x), data_date=date(2024, 4, 1))
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                OfficerHistory.loan_id,
                OfficerHistory.officer_id,
                OfficerHistory.from_on,
                OfficerHistory.to_on,
            ).order_by(OfficerHistory.loan_id, OfficerHistory.from_on)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("L1", "O1", date(2024, 1, 15), date(2024, 4, 1)),
        ("L1", "O2", date(2024, 4, 1), None),
    ]
