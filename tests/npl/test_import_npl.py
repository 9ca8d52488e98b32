"""legal_cases.csv and restructurings.csv (issue 18, DOMAIN section 5): row rules, a stage going back without
a note, a restructuring of a written-off loan, each refused as file:LINE: column with nothing written; the
timeline of an imported case."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from dashboard.config import Config
from dashboard.importer import ExtractInvalid, import_files
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import class_name, has_current_snapshot, loan_state
from db.models import LegalCase, LegalCaseStage, Restructuring
from tests.kpi.book import D, loan, reference

ONE = [("2024-02-10", "1000", "10")]
CASES = (
    "case_id,loan_id,filed_on,court,case_number,stage,claimed,awarded,recovered,costs,lawyer,agency_id,"
    "next_hearing_on,note\n"
)


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "W", "1000", "2024-01-10", ONE, written_off_on="2025-01-31")
        loan(conn, "L", "1000", "2024-01-10", ONE)
    return engine


def _problems(engine: Engine, files: dict[str, str]) -> list[str]:
    with pytest.raises(ExtractInvalid) as refused:
        import_files(engine, files)
    return [str(p) for p in refused.value.problems]


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_row_rules_of_legal_cases(book: Engine) -> None:
    text = CASES + (
        "C1,W,,,,filed,100,,,,,,,\n"  # filed without a filing date
        "C2,W,2025-02-01,,,judgment,100,50,60,,,,,\n"  # recovered above awarded, no note
        "C3,W,2025-02-01,,,judgment,100,50,60,,,,,costs awarded on top\n"  # with a note: fine
        "C4,W,2025-02-01,,,appeal,-1,,,,,,2025-01-01,\n"  # unknown stage, negative, hearing before filing
    )
    assert _problems(book, {"legal_cases.csv": text}) == [
        "legal_cases.csv:2: filed_on: blank, but stage is 'filed' (a case past preparing has a filing date)",
        "legal_cases.csv:3: recovered: 60 is above awarded 50, and note is blank (say why)",
        "legal_cases.csv:5: stage: 'appeal' is not an allowed value (expected one of preparing, filed, "
        "judgment, "
        "enforcement, closed)",
        "legal_cases.csv:5: claimed: -1 is negative",
        "legal_cases.csv:5: next_hearing_on: 2025-01-01 is before filed_on 2025-02-01",
    ]
    assert _count(book, LegalCase) == 0


def test_an_imported_case_has_a_timeline_and_may_not_go_back_without_a_note(book: Engine) -> None:
    import_files(book, {"legal_cases.csv": CASES + "C1,W,2025-02-01,,,judgment,100,50,0,,,,,\n"})
    import_files(
        book, {"legal_cases.csv": CASES + "C1,W,2025-02-01,,,judgment,100,50,0,,,,,\n"}
    )  # same again
    assert _count(book, LegalCaseStage) == 1
    back = CASES + "C1,W,2025-02-01,,,filed,100,50,0,,,,,\n"
    assert _problems(book, {"legal_cases.csv": back}) == [
        "legal_cases.csv:2: stage: moves case 'C1' back from judgment to filed, and note is blank "
        "(give the reason)"
    ]
    import_files(book, {"legal_cases.csv": CASES + "C1,W,2025-02-01,,,filed,100,50,0,,,,,retrial ordered\n"})
    with book.connect() as conn:
        timeline = conn.execute(
            select(LegalCaseStage.from_stage, LegalCaseStage.to_stage, LegalCaseStage.reason).order_by(
                LegalCaseStage.change_id
            )
        ).all()
    assert [tuple(r) for r in timeline] == [
        (None, "judgment", None),
        ("judgment", "filed", "retrial ordered"),
    ]


def test_a_written_off_loan_cannot_be_restructured(book: Engine) -> None:
    text = (
        "restructuring_id,loan_id,restructured_on,reason\n"
        "R1,W,2025-01-31,new terms\n"  # written off that day
        "R2,W,2025-01-30,new terms\n"  # the day before: fine
        "R3,L,2025-01-30,  \n"
    )
    assert _problems(book, {"restructurings.csv": text}) == [
        "restructurings.csv:2: loan_id: loan 'W' is written off on 2025-01-31: a written-off loan cannot be "
        "restructured",
        "restructurings.csv:4: reason: required, but blank",
    ]
    assert _count(book, Restructuring) == 0


def test_an_imported_restructuring_moves_the_loans_snapshots(book: Engine) -> None:
    day = D("2024-03-20")
    with book.begin() as conn:
        refresh(conn, dates=[day])
    import_files(
        book, {"restructurings.csv": "restructuring_id,loan_id,restructured_on,reason\nR1,L,2024-03-01,x\n"}
    )
    with book.connect() as conn:
        assert has_current_snapshot(conn, as_of=day)
        state = loan_state(day, Scope(), Config(), conn=conn)
        rank = conn.execute(select(state.c.class_ix).where(state.c.loan_id == "L")).scalar_one()
    assert class_name(rank) == "substandard"  # 39 DPD: special mention by DPD alone
