"""The collection action form's service: the conduct rules, scope, idempotency and the audit row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.collection import ActionForm, parse_amount, recent_actions, record_action
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.saving import submission_key
from db.data_version import data_version
from db.models import AuditEntry, CollectionAction, CollectorAssignment, FormSubmission
from tests.kpi.book import D, act, loan, place, reference

NOW = datetime(2025, 3, 20, 15, 30)
COLLECTOR = Actor("c1", "collector", name="C1", staff_id="C1")
AGENCY_1 = Actor("a1", "agency", name="甲催收", agency_id="A1")
AGENCY_2 = Actor("a2", "agency", name="乙催收", agency_id="A2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """B (O1) assigned to collector C1 and placed with A1; C (O2) was placed with A2 and recalled."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "2000", "2025-01-10", MONTHLY)
        loan(conn, "C", "2000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
        place(conn, "B", "A1", "2025-03-01", "2000")
        place(conn, "C", "A2", "2025-03-01", "2000", recalled_on="2025-03-10")
    return engine


def call(**changes: object) -> ActionForm:
    """A valid call with a promise to pay; tests change one thing at a time."""
    form = ActionForm(
        loan_id="B",
        channel="call",
        acted_at=datetime(2025, 3, 20, 10, 0),
        result="ptp",
        ptp_amount=Decimal("1010.00"),
        ptp_on=date(2025, 3, 25),
        info_repaired=False,
        notes="客户承诺月底前还款",
    )
    return replace(form, **changes)  # type: ignore[arg-type]


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        actions = conn.scalar(select(func.count()).select_from(CollectionAction))
        audits = conn.scalar(select(func.count()).select_from(AuditEntry))
    return int(actions or 0), int(audits or 0)


def refused(
    engine: Engine, actor: Actor, form: ActionForm, config: Config | None = None, now: datetime = NOW
) -> dict[str, str]:
    before = counts(engine)
    with pytest.raises(FormInvalid) as caught:
        record_action(engine, actor, form, None, config or Config(), now=now)
    assert counts(engine) == before, "a refused form wrote something"
    return caught.value.field_texts("en")


def test_call_with_promise_is_saved_with_its_audit_row(book: Engine) -> None:
    with book.connect() as conn:
        version = data_version(conn)
    saved = record_action(book, COLLECTOR, call(), "tok-1", Config(), now=NOW)
    assert not saved.duplicate and saved.table == "collection_actions"
    with book.connect() as conn:
        row = conn.execute(select(CollectionAction)).one()
        audit = conn.execute(select(AuditEntry)).one()
        token = conn.execute(select(FormSubmission)).one()
        assert data_version(conn) > version
    assert row.action_id == saved.record_key and row.action_id.startswith("AC")
    assert (row.loan_id, row.channel, row.result, row.staff_id, row.agency_id) == (
        "B",
        "call",
        "ptp",
        "C1",
        None,
    )
    assert row.acted_at == datetime(2025, 3, 20, 10, 0)
    assert row.ptp_amount == Decimal("1010.00") and row.ptp_on == date(2025, 3, 25)
    assert row.notes == "客户承诺月底前还款"
    assert (audit.username, audit.action, audit.table_name, audit.record_key) == (
        "c1",
        "insert",
        "collection_actions",
        saved.record_key,
    )
    assert audit.before is None and '"ptp_amount": "1010.00"' in audit.after
    assert (token.token, token.record_key) == (submission_key(COLLECTOR.username, "tok-1"), saved.record_key)


def test_an_agency_acts_as_the_agency(book: Engine) -> None:
    visit = call(channel="field_visit", result="connected", ptp_amount=None, ptp_on=None)
    record_action(book, AGENCY_1, visit, None, Config(), now=NOW)
    with book.connect() as conn:
        row = conn.execute(select(CollectionAction)).one()
    assert (row.staff_id, row.agency_id, row.channel, row.ptp_amount) == (None, "A1", "field_visit", None)


def test_contact_hours_edges_are_allowed(book: Engine) -> None:
    for moment in (datetime(2025, 3, 20, 8, 0), datetime(2025, 3, 20, 21, 0)):
        record_action(
            book, COLLECTOR, call(acted_at=moment, channel="sms"), None, Config(), now=datetime(2025, 3, 21)
        )
    assert counts(book)[0] == 2


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        (
            {"acted_at": datetime(2025, 3, 20, 7, 59)},
            "acted_at",
            "07:59 is outside contact hours (08:00-21:00)",
        ),
        (
            {"acted_at": datetime(2025, 3, 19, 21, 1)},
            "acted_at",
            "21:01 is outside contact hours (08:00-21:00)",
        ),
        ({"acted_at": datetime(2025, 3, 20, 16, 0)}, "acted_at", "2025-03-20 16:00 is later than now"),
        (
            {"ptp_on": date(2025, 3, 20)},
            "ptp_on",
            "The promised date must be after the contact day (2025-03-20)",
        ),
        (
            {"ptp_on": date(2025, 4, 20)},
            "ptp_on",
            "At most 30 days after the contact: 2025-04-19 at the latest",
        ),
        ({"ptp_amount": None}, "ptp_amount", "A promise to pay needs an amount"),
        ({"ptp_on": None}, "ptp_on", "A promise to pay needs a date"),
        ({"ptp_amount": Decimal("0")}, "ptp_amount", "The amount must be above zero"),
        (
            {"ptp_amount": "10.005"},
            "ptp_amount",
            "'10.005' is not an amount (a number with at most 2 decimals",
        ),
        ({"ptp_amount": Decimal("10.005")}, "ptp_amount", "10.005 is not an amount"),
        ({"ptp_amount": "abc"}, "ptp_amount", "'abc' is not an amount"),
        ({"channel": "email"}, "channel", "'email' is not one of the choices"),
        ({"result": "maybe"}, "result", "'maybe' is not one of the choices"),
        ({"notes": "x" * 2001}, "notes", "At most 2000 characters"),
        ({"loan_id": " "}, "loan_id", "Required"),
    ],
)
def test_each_rule_is_refused_on_its_field(book: Engine, changes: dict, field: str, text: str) -> None:
    errors = refused(book, COLLECTOR, call(**changes))
    assert list(errors) == [field]
    assert text in errors[field]


def test_thirty_days_ahead_is_the_last_allowed_promise(book: Engine) -> None:
    record_action(
        book, COLLECTOR, call(ptp_on=date(2025, 4, 19), ptp_amount="1,010.5"), None, Config(), now=NOW
    )
    with book.connect() as conn:
        assert conn.scalar(select(CollectionAction.ptp_amount)) == Decimal("1010.50")


def test_the_fourth_call_of_a_day_is_refused(book: Engine) -> None:
    with book.begin() as conn:
        for hour in (9, 11, 13):
            act(conn, "B", f"2025-03-20T{hour:02d}:00:00", "call", staff="C1", result="no_answer")
        act(conn, "B", "2025-03-19T10:00:00", "call", staff="C1", result="no_answer")
    errors = refused(book, COLLECTOR, call())
    assert errors == {
        "channel": "This number already has 3 call(s) about this loan on 2025-03-20; at most 3 calls a day "
        "per number"
    }
    # Another channel the same day, and a call the next day, are not counted against it.
    record_action(book, COLLECTOR, call(channel="sms"), None, Config(), now=NOW)
    later = datetime(2025, 3, 21, 9, 0)
    record_action(book, COLLECTOR, call(acted_at=later), None, Config(), now=later)
    # The ceiling is configuration.
    form = call(acted_at=datetime(2025, 3, 21, 10, 0))
    errors = refused(book, COLLECTOR, form, Config(max_calls_per_day=1), now=datetime(2025, 3, 21, 12, 0))
    assert errors["channel"].startswith("This number already has 1 call(s) about this loan on 2025-03-21")


@pytest.mark.parametrize(
    ("actor", "loan_id"),
    [(COLLECTOR, "C"), (COLLECTOR, "NOPE"), (AGENCY_2, "C"), (AGENCY_2, "B")],
    ids=["collector-not-assigned", "unknown-loan", "agency-recalled", "agency-other-agencys-loan"],
)
def test_a_loan_outside_the_users_scope_is_refused(book: Engine, actor: Actor, loan_id: str) -> None:
    errors = refused(book, actor, call(loan_id=loan_id))
    assert errors == {"loan_id": f"Loan {loan_id} is not one of yours (or does not exist)"}


def test_every_problem_is_reported_at_once(book: Engine) -> None:
    form = call(loan_id="C", acted_at=datetime(2025, 3, 20, 22, 0), ptp_amount=None, notes="x" * 2001)
    errors = refused(book, COLLECTOR, form)
    assert set(errors) == {"loan_id", "acted_at", "ptp_amount", "notes"}


def test_the_same_token_writes_once(book: Engine) -> None:
    first = record_action(book, COLLECTOR, call(), "tok-2", Config(), now=NOW)
    again = record_action(book, COLLECTOR, call(notes="second click"), "tok-2", Config(), now=NOW)
    assert again.duplicate and again.record_key == first.record_key
    assert counts(book) == (1, 1)


def test_who_may_record(book: Engine) -> None:
    with pytest.raises(NotAllowed):
        record_action(book, Actor("r1", "risk_manager", staff_id="R1"), call(), None, Config(), now=NOW)
    with pytest.raises(NotAllowed, match="linked to no staff record or agency"):
        record_action(book, Actor("c9", "collector"), call(), None, Config(), now=NOW)
    assert counts(book) == (0, 0)


def test_typed_text_is_stored_literally(book: Engine) -> None:
    notes = "'; DROP TABLE loans; -- <script>alert(1)</script> **bold** مرحبا 🙂"
    record_action(book, COLLECTOR, call(notes=notes), None, Config(), now=NOW)
    with book.connect() as conn:
        assert conn.scalar(select(CollectionAction.notes)) == notes
        shown = recent_actions(conn, COLLECTOR, "B", on=NOW.date())
    assert [a["notes"] for a in shown] == [notes]


def test_recent_actions_newest_first_and_only_in_scope(book: Engine) -> None:
    with book.begin() as conn:
        for day in range(1, 13):
            act(conn, "B", f"2025-03-{day:02d}T10:00:00", "sms", staff="C1")
    with book.connect() as conn:
        shown = recent_actions(conn, COLLECTOR, "B", on=NOW.date())
        assert [a["acted_at"].day for a in shown] == list(range(12, 2, -1))
        assert recent_actions(conn, AGENCY_2, "B", on=NOW.date()) == []


def test_parse_amount() -> None:
    assert parse_amount(" 12,345.6 ") == (Decimal("12345.6"), None)
    assert parse_amount("") == (None, None)
    assert parse_amount(Decimal("NaN"))[1] is not None
    assert parse_amount("1e3")[1] is not None
    assert parse_amount("100000000000000")[1] == ("action.err.amount_large", {})
