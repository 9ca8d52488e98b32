"""legal_cases.csv on the Upload page (issue 18): every row goes through the legal case form's own checks and
writes (dashboard.work.legal.case_changes) in one transaction; a stored case id updates that case, a new one
opens it, each stage change is a timeline row; any row refused and nothing is written, with every problem
listed by line and column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import ExtractInvalid
from dashboard.work.bulk import kinds_for, upload
from dashboard.work.errors import NotAllowed
from db.models import AuditEntry, LegalCase, LegalCaseStage, Staff
from tests.kpi.book import D, act, loan, reference

NOW = datetime(2025, 3, 20, 18, 0)
AP = Actor("ap", "asset_preservation", staff_id="AP1", branch_id="B1")
RISK_B1 = Actor("r1", "risk_manager", staff_id="R1", branch_id="B1")
ONE = [("2024-02-10", "1000", "10")]
HEADER = (
    "case_id,loan_id,filed_on,court,case_number,stage,claimed,awarded,recovered,costs,lawyer,agency_id,"
    "next_hearing_on,note\n"
)


@pytest.fixture
def book(engine: Engine) -> Engine:
    """W (B11) written off with case LC1 at judgment; L (B11) handed to legal; X (B2) written off."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff).values(
                staff_id="AP1",
                name="AP1",
                role="asset_preservation",
                branch_id="B1",
                joined_on=D("2015-01-01"),
            )
        )
        loan(conn, "W", "1000", "2024-01-10", ONE, written_off_on="2025-01-31")
        loan(conn, "L", "1000", "2024-01-10", ONE)
        loan(conn, "X", "1000", "2024-01-10", ONE, branch="B2", officer="O2", written_off_on="2025-01-31")
        act(conn, "L", "2025-02-03 10:00", "legal", staff="AP1")
        conn.execute(
            insert(LegalCase).values(
                case_id="LC1",
                loan_id="W",
                stage="judgment",
                filed_on=D("2025-02-10"),
                claimed=Decimal("1000"),
                awarded=Decimal("900"),
            )
        )
    return engine


def _stored(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (LegalCase, LegalCaseStage, AuditEntry)
        )


def _problems(engine: Engine, actor: Actor, text: str) -> list[str]:
    before = _stored(engine)
    with pytest.raises(ExtractInvalid) as caught:
        upload(engine, actor, "legal_cases", "cases.csv", text.encode(), None, Config(), now=NOW)
    assert _stored(engine) == before, "a refused upload wrote something"
    return [str(p) for p in caught.value.problems]


def test_a_clean_file_opens_and_moves_cases_with_their_timeline(book: Engine) -> None:
    text = HEADER + (
        "C1,L,2025-03-01,朝阳法院,(2025)京0105民初1号,filed,1000,,,80,金杜律所,A1,2025-04-02,\n"
        "LC1,W,2025-02-10,,,enforcement,1000,900,100,,,,,\n"
    )
    summary = upload(book, AP, "legal_cases", "cases.csv", text.encode(), "tok", Config(), now=NOW)
    assert summary.rows == {"legal_cases": 2}
    with book.connect() as conn:
        cases = {r.case_id: r for r in conn.execute(select(LegalCase))}
        timeline = conn.execute(
            select(
                LegalCaseStage.case_id,
                LegalCaseStage.from_stage,
                LegalCaseStage.to_stage,
                LegalCaseStage.changed_on,
                LegalCaseStage.username,
            ).order_by(LegalCaseStage.change_id)
        ).all()
        audited = conn.execute(
            select(AuditEntry.table_name, AuditEntry.action).order_by(AuditEntry.entry_id)
        ).all()
    assert (cases["C1"].stage, cases["C1"].costs, cases["C1"].agency_id) == ("filed", Decimal("80"), "A1")
    assert (cases["LC1"].stage, cases["LC1"].recovered) == ("enforcement", Decimal("100"))
    assert [tuple(r) for r in timeline] == [
        ("C1", None, "filed", D("2025-03-20"), "ap"),
        ("LC1", "judgment", "enforcement", D("2025-03-20"), "ap"),
    ]
    assert [tuple(a) for a in audited] == [
        ("legal_cases", "insert"),
        ("legal_case_stages", "insert"),
        ("legal_cases", "update"),
        ("legal_case_stages", "insert"),
    ]
    # The same file again from the same page writes nothing more.
    again = upload(book, AP, "legal_cases", "cases.csv", text.encode(), "tok", Config(), now=NOW)
    assert again.duplicate


def test_every_row_is_checked_by_the_forms_rules_and_nothing_written(book: Engine) -> None:
    text = HEADER + (
        "LC1,W,2025-02-10,,,filed,1000,900,,,,,,\n"  # back from judgment without a reason (the note)
        "C2,X,2025-02-10,,,filed,1000,,,,,,,\n"  # B2: not the uploader's
        "C3,L,2025-02-10,,,judgment,1000,50,60,,,,,\n"  # recovered above awarded, no note
        "C4,L,2025-04-01,,,filed,1000,,,,,,,\n"  # filed after today
        "C5,L,2025-02-10,,,filed,1000,,,,,NOPE,,\n"  # unknown agency
        "LC1,L,2025-02-10,,,closed,1000,900,,,,,,\n"  # LC1 is another loan's case
        "C6,L,,,,judgment,1000,,,,,,2025-01-01,\n"  # no filing date past preparing
        "C7,NOWHERE,2025-02-10,,,filed,1000,,,,,,,\n"  # unknown loan reads as not the uploader's
    )
    problems = _problems(book, AP, text)
    assert [p.split(": ")[0] + ": " + p.split(": ")[1] for p in problems] == [
        "cases.csv:2: note",
        "cases.csv:3: loan_id",
        "cases.csv:4: recovered",
        "cases.csv:5: filed_on",
        "cases.csv:6: agency_id",
        "cases.csv:7: case_id",
        "cases.csv:7: case_id",
        "cases.csv:8: filed_on",
        "cases.csv:9: loan_id",
    ]
    assert "back" in problems[0] and "judgment" in problems[0]
    assert problems[1] == problems[-1].replace("9: loan_id: loan 'NOWHERE'", "3: loan_id: loan 'X'")


def test_the_same_checks_as_the_form_for_a_risk_manager(book: Engine) -> None:
    fine = HEADER + "C1,W,2025-03-01,,,preparing,0,,,,,,,\n"
    assert upload(book, RISK_B1, "legal_cases", "c.csv", fine.encode(), None, Config(), now=NOW).rows == {
        "legal_cases": 1
    }
    text = HEADER + "C2,X,2025-03-01,,,preparing,0,,,,,,,\n"
    assert _problems(book, RISK_B1, text) == [
        "cases.csv:2: loan_id: loan 'X' is not one of yours (or does not exist)"
    ]


def test_who_uploads_what(book: Engine) -> None:
    assert kinds_for(AP) == ("collection_actions", "legal_cases")
    assert kinds_for(RISK_B1) == ("visits", "legal_cases")
    assert kinds_for(Actor("a1", "agency", agency_id="A1")) == ("collection_actions",)
    text = HEADER + "C1,L,2025-03-01,,,preparing,0,,,,,,,\n"
    for actor in (Actor("o1", "officer", staff_id="O1"), Actor("a1", "agency", agency_id="A1")):
        with pytest.raises(NotAllowed):
            upload(book, actor, "legal_cases", "c.csv", text.encode(), None, Config(), now=NOW)
    assert _stored(book) == (1, 0, 0)
