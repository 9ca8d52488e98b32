"""Bulk upload of collection actions and visits: checked like the importer, all or nothing, within scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import ExtractInvalid
from dashboard.importer.spec import SPECS
from dashboard.work.bulk import preview, template_csv, upload, upload_token
from dashboard.work.errors import NotAllowed
from db.models import AuditEntry, CollectionAction, Visit
from tests.kpi.book import act, loan, place, reference

NOW = datetime(2025, 3, 20, 18, 0)
AGENCY_1 = Actor("a1", "agency", agency_id="A1")
AGENCY_2 = Actor("a2", "agency", agency_id="A2")
RISK_B1 = Actor("r1", "risk_manager", staff_id="R1", branch_id="B1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10")]
ACTIONS_HEADER = (
    "action_id,loan_id,acted_at,channel,staff_id,agency_id,result,ptp_amount,ptp_on,info_repaired\n"
)


@pytest.fixture
def book(engine: Engine) -> Engine:
    """B and D (B11) placed with A1; C (B2) placed with A2. One call on B today already stored."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "2000", "2025-01-10", MONTHLY)
        loan(conn, "D", "2000", "2025-01-10", MONTHLY)
        loan(conn, "C", "2000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        place(conn, "B", "A1", "2025-03-01", "2000")
        place(conn, "D", "A1", "2025-03-01", "2000")
        place(conn, "C", "A2", "2025-03-01", "2000")
        act(conn, "B", "2025-03-20T09:00:00", "call", agency="A1", result="no_answer")
    return engine


def stored(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (CollectionAction, Visit, AuditEntry)
        )


def problems_of(engine: Engine, actor: Actor, kind: str, data: bytes | str) -> list[str]:
    before = stored(engine)
    with pytest.raises(ExtractInvalid) as caught:
        upload(engine, actor, kind, "march.csv", data, None, Config(), now=NOW)
    assert stored(engine) == before, "a refused upload wrote something"
    return [str(p) for p in caught.value.problems]


def test_a_clean_actions_file_writes_every_row(book: Engine) -> None:
    data = (
        ACTIONS_HEADER + "X1,B,2025-03-20 10:00,call,,,ptp,500.00,2025-03-28,0\n"
        "X2,D,2025-03-19T20:30,field_visit,,A1,connected,,,1\n"
    ).encode()
    summary = upload(book, AGENCY_1, "collection_actions", "march.csv", data, "up-1", Config(), now=NOW)
    assert summary.rows == {"collection_actions": 2} and not summary.duplicate
    with book.connect() as conn:
        rows = {r.action_id: r for r in conn.execute(select(CollectionAction))}
        audited = set(conn.scalars(select(AuditEntry.record_key).where(AuditEntry.username == "a1")))
    # A blank agency_id is the uploader's.
    assert (rows["X1"].agency_id, rows["X1"].staff_id, rows["X1"].ptp_amount) == (
        "A1",
        None,
        Decimal("500.00"),
    )
    assert rows["X1"].ptp_on == date(2025, 3, 28) and rows["X2"].info_repaired is True
    assert audited == {"X1", "X2"}
    # The same upload again (a double click): nothing new.
    again = upload(book, AGENCY_1, "collection_actions", "march.csv", data, "up-1", Config(), now=NOW)
    assert again.duplicate and stored(book) == (3, 0, 2)


def test_a_clean_visits_file_from_a_risk_manager(book: Engine) -> None:
    data = (
        "visit_id,loan_id,visited_on,method,staff_id,content,feedback,satisfaction,stage\n"
        'V1,B,2025-03-18,phone,O1,"回访, 还款提醒",按时还款,5,repayment\n'
        "V2,D,2025-03-19,in_person,O1,上门核实,,,\n"
    )
    summary = upload(book, RISK_B1, "visits", "visits.csv", data, None, Config(), now=NOW)
    assert summary.rows == {"visits": 2}
    with book.connect() as conn:
        contents = dict(conn.execute(select(Visit.visit_id, Visit.content)).all())
    assert contents == {"V1": "回访, 还款提醒", "V2": "上门核实"}


def test_every_problem_is_listed_by_line_and_nothing_written(book: Engine) -> None:
    data = (
        ACTIONS_HEADER + "X1,B,2025-03-20 10:00,email,,,connected,,,0\n"  # 2 bad channel
        "X2,B,2025-03-20 07:30,sms,,,connected,,,0\n"  # 3 before 08:00
        "X3,B,2025-03-10 10:00,call,,,ptp,100,2025-04-20,0\n"  # 4 promise 41 days ahead
        "X4,B,2025-03-18 10:00,sms,,A2,connected,,,0\n"  # 5 another agency
        "X5,B,2025-03-18 10:00,sms,O1,,connected,,,0\n"  # 6 staff given
        "X6,C,2025-03-18 10:00,sms,,,connected,,,0\n"  # 7 another agency's loan
        "X7,B,2025-03-20 11:00,call,,,no_answer,,,0\n"  # 8 second call today: fine
        "X8,B,2025-03-20 12:00,call,,,no_answer,,,0\n"  # 9 third: fine
        "X9,B,2025-03-20 13:00,call,,,no_answer,,,0\n"  # 10 fourth: refused
        "X7,D,2025-03-20 14:00,sms,,,connected,,,0\n"  # 11 duplicate id
        "X10,D,2025-03-21 10:00,sms,,,ptp,50,,0\n"  # 12 future, promise without date
        "X11,D,2025-03-20 10:00,sms,,,connected\n"  # 13 short row
    )
    assert problems_of(book, AGENCY_1, "collection_actions", data) == [
        "march.csv:2: channel: 'email' is not an allowed value (expected one of sms, call, letter, "
        "field_visit, legal)",
        "march.csv:3: acted_at: 07:30 is outside contact hours 08:00-21:00",
        "march.csv:4: ptp_on: 2025-04-20 is more than 30 days after the contact (at most 2025-04-09)",
        "march.csv:5: agency_id: 'A2' is not your agency (A1); leave it blank",
        "march.csv:6: staff_id: must be blank in an agency's upload",
        "march.csv:7: loan_id: loan 'C' is not one of yours (or does not exist)",
        "march.csv:10: channel: call number 4 to the borrower of loan 'B' on 2025-03-20: at most 3 a day "
        "per number (1 already recorded)",
        "march.csv:11: action_id: duplicate action_id 'X7' (first on line 8)",
        "march.csv:12: acted_at: 2025-03-21 10:00 is later than now",
        "march.csv:12: ptp_on: blank, but ptp_amount is given (a promise needs both an amount and a date)",
        "march.csv:13: -: 7 fields, but the header has 10",
    ]


def test_another_agencys_loan_and_an_unknown_loan_read_the_same(book: Engine) -> None:
    data = (
        ACTIONS_HEADER
        + "X1,B,2025-03-18 10:00,sms,,,connected,,,0\nX2,NOPE,2025-03-18 10:00,sms,,,connected,,,0\n"
    )
    assert problems_of(book, AGENCY_2, "collection_actions", data) == [
        "march.csv:2: loan_id: loan 'B' is not one of yours (or does not exist)",
        "march.csv:3: loan_id: loan 'NOPE' is not one of yours (or does not exist)",
    ]


def test_records_that_exist_are_not_replaced(book: Engine) -> None:
    with book.connect() as conn:
        existing = conn.scalar(select(CollectionAction.action_id))
    data = ACTIONS_HEADER + f"{existing},B,2025-03-18 10:00,sms,,,connected,,,0\n"
    assert problems_of(book, AGENCY_1, "collection_actions", data) == [
        f"march.csv:2: action_id: '{existing}' already exists "
        "(an upload adds records; it does not replace them)"
    ]


def test_bytes_that_are_not_utf8_are_a_problem_not_a_crash(book: Engine) -> None:
    data = ACTIONS_HEADER.encode() + "X1,B,2025-03-18 10:00,sms,,,connected,,,0\n".encode("gbk")
    data += "X2,B,2025-03-18 11:00,sms,,,已接通,,,0\n".encode("gbk")
    problems = problems_of(book, AGENCY_1, "collection_actions", data)
    assert problems[0] == (
        "march.csv:3: -: not valid UTF-8 (byte 0xd2 at position 29); save the file as UTF-8"
    )
    assert problems[1].startswith("march.csv:3: result: ")


def test_agencies_do_not_upload_visits_and_others_may_not_upload(book: Engine) -> None:
    data = "visit_id,loan_id,visited_on,method,staff_id,content\nV1,B,2025-03-18,phone,O1,回访\n"
    assert problems_of(book, AGENCY_1, "visits", data) == [
        "march.csv:1: -: an agency cannot upload visits (a visit names the staff member who made it); "
        "upload field visits as collection actions with channel field_visit"
    ]
    with pytest.raises(NotAllowed):
        upload(book, Actor("o1", "officer", staff_id="O1"), "visits", "v.csv", data, None, Config(), now=NOW)


def test_a_risk_managers_visits_stay_in_the_branch_subtree(book: Engine) -> None:
    data = (
        "visit_id,loan_id,visited_on,method,staff_id,content\n"
        "V1,C,2025-03-18,phone,O2,回访\n"
        "V2,B,2025-03-21,phone,NOBODY,回访\n"
    )
    assert problems_of(book, RISK_B1, "visits", data) == [
        "march.csv:2: loan_id: loan 'C' is not one of yours (or does not exist)",
        # O2 works in B2, outside the risk manager's B1 (issue 22 item 5).
        "march.csv:2: staff_id: 'O2' is not yours to credit: a record names its uploader or a staff member "
        "of your branches",
        "march.csv:3: visited_on: 2025-03-21 is after today",
        "march.csv:3: staff_id: unknown staff_id 'NOBODY'",
    ]


def test_an_empty_file_is_a_problem(book: Engine) -> None:
    assert problems_of(book, AGENCY_1, "collection_actions", ACTIONS_HEADER) == [
        "march.csv:1: -: no records below the header"
    ]


def test_preview_shows_text_whatever_the_file() -> None:
    frame = preview(b"a,b,a,\n1,2\n\xff,4,5,6,7\n", limit=5)
    assert list(frame.columns) == ["a", "b", "a (3)", "(4)"]
    assert frame.values.tolist() == [["1", "2", "", ""], ["\ufffd", "4", "5", "6"]]
    assert preview(b"").empty


def test_the_upload_token_follows_the_file() -> None:
    assert upload_token("t", "visits", b"x") == upload_token("t", "visits", b"x")
    assert upload_token("t", "visits", b"x") != upload_token("t", "visits", b"y")
    assert len(upload_token("t", "visits", b"x")) == 64


@pytest.mark.parametrize(
    ("kind", "actor"), [("collection_actions", AGENCY_1), ("visits", RISK_B1), ("legal_cases", RISK_B1)]
)
def test_the_template_has_the_upload_header_and_an_example_row_that_uploads(
    book: Engine, kind: str, actor: Actor
) -> None:
    data = template_csv(kind, today=NOW.date(), note="示例", loan_id="D", staff_id=actor.staff_id)
    assert data.startswith("\ufeff".encode())  # Excel opens the Chinese right
    header, example, *rest = data.decode("utf-8-sig").splitlines()
    assert header.split(",") == list(SPECS[kind].names) and rest == []
    assert "D" in example.split(",") and "示例" in example
    # The example row passes the form's rules for a loan in the uploader's scope.
    summary = upload(book, actor, kind, f"{kind}_template.csv", data, None, Config(), now=NOW)
    assert summary.rows == {kind: 1}
