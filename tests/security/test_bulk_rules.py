"""Issue 22 item 5: a bulk upload runs the form's permission and rule checks row by row, and its audit
rows name whom each record is credited to."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import ExtractInvalid
from dashboard.work.access import can
from dashboard.work.bulk import upload
from dashboard.work.errors import NotAllowed
from db.models import AuditEntry
from tests.work.test_bulk import ACTIONS_HEADER, AGENCY_1, NOW, RISK_B1, problems_of
from tests.work.test_bulk import book as book

VISITS_HEADER = "visit_id,loan_id,visited_on,method,staff_id,content,next_follow_up_on\n"


def test_a_risk_manager_may_not_upload_collection_actions(book: Engine) -> None:
    """The action form is not theirs (collection_action): nor is the upload, credited to anyone."""
    data = ACTIONS_HEADER + "X1,B,2025-03-18 10:00,sms,O1,A1,connected,,,0\n"
    with pytest.raises(NotAllowed):
        upload(book, RISK_B1, "collection_actions", "a.csv", data, None, Config(), now=NOW)


def test_a_visit_credited_outside_the_uploaders_branches_is_refused(book: Engine) -> None:
    data = VISITS_HEADER + "V1,B,2025-03-18,phone,O2,回访,\n"
    assert problems_of(book, RISK_B1, "visits", data) == [
        "march.csv:2: staff_id: 'O2' is not yours to credit: a record names its uploader or a staff member "
        "of your branches"
    ]


def test_a_visit_before_disbursement_or_with_a_far_follow_up_is_refused(book: Engine) -> None:
    data = VISITS_HEADER + "V1,B,2025-01-09,phone,O1,回访,\nV2,B,2025-03-18,phone,O1,回访,2099-01-01\n"
    assert problems_of(book, RISK_B1, "visits", data) == [
        "march.csv:2: visited_on: 2025-01-09 is before 2025-01-10 (the loan's disbursement)",
        "march.csv:3: next_follow_up_on: 2099-01-01 is more than 366 days after the visit",
    ]


def test_an_action_outside_the_configured_contact_hours_or_before_disbursement_is_refused(
    book: Engine,
) -> None:
    data = (
        ACTIONS_HEADER + "X1,B,2025-03-18 20:30,sms,,,connected,,,0\n"  # after 20:00
        "X2,B,2025-01-09 10:00,sms,,,connected,,,0\n"  # before the disbursement
    )
    narrow = Config(contact_from_hour=9, contact_to_hour=20)
    before = problems_of_config(book, data, narrow)
    assert before == [
        "march.csv:2: acted_at: 20:30 is outside contact hours (09:00-20:00)",
        "march.csv:3: acted_at: 2025-01-09 is before 2025-01-10 (the loan's disbursement)",
    ]


def problems_of_config(engine: Engine, data: str, config: Config) -> list[str]:
    with pytest.raises(ExtractInvalid) as caught:
        upload(engine, AGENCY_1, "collection_actions", "march.csv", data, None, config, now=NOW)
    return [str(p) for p in caught.value.problems]


def test_the_audit_names_whom_each_record_is_credited_to(book: Engine) -> None:
    data = VISITS_HEADER + "V1,B,2025-03-18,phone,O1,回访,\n"
    upload(book, RISK_B1, "visits", "v.csv", data, None, Config(), now=NOW)
    actions = ACTIONS_HEADER + "X1,B,2025-03-18 10:00,sms,,,connected,,,0\n"
    upload(book, AGENCY_1, "collection_actions", "a.csv", actions, None, Config(), now=NOW)
    with book.connect() as conn:
        rows = conn.execute(select(AuditEntry.username, AuditEntry.record_key, AuditEntry.after)).all()
    credited = {key: (user, json.loads(after)["credited_to"]) for user, key, after in rows}
    assert credited == {"V1": ("r1", "O1"), "X1": ("a1", "A1")}


def test_an_officer_without_credit_others_credits_only_themselves() -> None:
    assert not can(Actor("o1", "officer", staff_id="O1"), "credit_others")
    assert can(RISK_B1, "credit_others")
