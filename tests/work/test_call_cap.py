"""The daily call cap counts per number called (issue 16): the borrower's and each contact's apart, so
calling the contacts is never blocked by the calls to the borrower; a contact must be the loan's."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import Engine, insert, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.bulk import check_upload
from dashboard.work.collection import ActionForm, record_action
from dashboard.work.errors import FormInvalid
from db.models import CollectionAction, CollectorAssignment, Contact, Customer
from tests.kpi.book import D, act, loan, place, reference

NOW = datetime(2025, 3, 20, 15, 30)
COLLECTOR = Actor("c1", "collector", name="C1", staff_id="C1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Loan B of customer K1 (contacts K1a, K1b) assigned to C1; K2 is another customer with contact K2a."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Customer),
            [
                {
                    "customer_id": "K2",
                    "name": "李娜",
                    "id_number": "110101199202021234",
                    "phone": "13900000000",
                }
            ],
        )
        conn.execute(
            insert(Contact),
            [
                {"contact_id": "K1a", "customer_id": "K1", "name": "王父", "relation": "父亲", "phone": "1"},
                {"contact_id": "K1b", "customer_id": "K1", "name": "单位", "relation": None, "phone": "2"},
                {"contact_id": "K2a", "customer_id": "K2", "name": "李母", "relation": "母亲", "phone": "3"},
            ],
        )
        loan(conn, "B", "2000", "2025-01-10", MONTHLY)
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
        for hour in (9, 11, 13):
            act(conn, "B", f"2025-03-20T{hour:02d}:00:00", "call", staff="C1", result="no_answer")
    return engine


def call(**changes: object) -> ActionForm:
    form = ActionForm(loan_id="B", channel="call", acted_at=datetime(2025, 3, 20, 14, 0), result="no_answer")
    return replace(form, **changes)  # type: ignore[arg-type]


def test_the_borrowers_fourth_call_is_refused_but_a_contacts_first_is_not(book: Engine) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_action(book, COLLECTOR, call(), None, Config(), now=NOW)
    assert set(caught.value.errors) == {"channel"}
    saved = record_action(book, COLLECTOR, call(contact_id="K1a"), None, Config(), now=NOW)
    with book.connect() as conn:
        assert (
            conn.scalar(
                select(CollectionAction.contact_id).where(CollectionAction.action_id == saved.record_key)
            )
            == "K1a"
        )


def test_each_contact_has_its_own_cap(book: Engine) -> None:
    config = Config(max_calls_per_day=1)
    record_action(book, COLLECTOR, call(contact_id="K1a"), None, config, now=NOW)
    record_action(book, COLLECTOR, call(contact_id="K1b"), None, config, now=NOW)
    with pytest.raises(FormInvalid) as caught:
        record_action(book, COLLECTOR, call(contact_id="K1a"), None, config, now=NOW)
    assert "K1a" not in caught.value.field_texts("en")["channel"]
    assert caught.value.field_texts("en")["channel"].startswith("This number already has 1 call(s)")


@pytest.mark.parametrize("contact", ["K2a", "NOPE"])
def test_a_contact_of_another_customer_or_none_is_refused(book: Engine, contact: str) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_action(book, COLLECTOR, call(contact_id=contact), None, Config(), now=NOW)
    assert caught.value.field_texts("en") == {
        "contact_id": f"{contact!r} is not a contact of this loan's customer"
    }


def test_an_upload_caps_per_number_and_checks_the_contact(book: Engine) -> None:
    # Uploads of collection actions are an agency's (the form's permission); loan B is placed with A1.
    with book.begin() as conn:
        place(conn, "B", "A1", "2025-03-15", "1010")
    header = "action_id,loan_id,acted_at,channel,staff_id,agency_id,result,contact_id\n"
    data = (
        header
        + "U1,B,2025-03-20 14:00,call,,A1,no_answer,K1a\n"
        + "U2,B,2025-03-20 14:10,call,,A1,no_answer,\n"
        + "U3,B,2025-03-20 14:20,call,,A1,no_answer,K2a\n"
    ).encode()
    agency = Actor("a1", "agency", name="甲催收", agency_id="A1")
    with book.connect() as conn:
        checked = check_upload(conn, agency, "collection_actions", "m.csv", data, Config(), NOW)
    assert [str(p) for p in checked.problems] == [
        "m.csv:3: channel: call number 4 to the borrower of loan 'B' on 2025-03-20: at most 3 a day per "
        "number (3 already recorded)",
        "m.csv:4: contact_id: 'K2a' is not a contact of loan 'B'",
    ]
