"""Reading the audit log: newest first, each filter, whole-day date bounds, limit and count, and the row
a real save writes."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.audit import append_entries
from dashboard.work.audit_query import (
    COLUMNS,
    audit_choices,
    audit_count,
    audit_entries,
    sign_in_count,
    sign_ins,
)
from dashboard.work.overrides import decide_proposal, propose_override
from db.models import LoginAttempt
from tests.kpi.book import D, loan, reference

AUDITOR = Actor("au", "auditor")
ENTRIES = [
    # at, username, action, table, record
    ("2025-03-01T09:00:00", "r1", "insert", "visits", "V1"),
    ("2025-03-02T23:59:59", "o1", "insert", "collection_actions", "AC1"),
    ("2025-03-03T00:00:00", "r1", "resolve", "issues", "IS1"),
    ("2025-03-03T10:00:00", "m1", "resolve", "issues", "IS10"),
    ("2025-03-04T08:00:00", "r1", "insert", "classification_overrides", "B:2025-03-04"),
    ("2025-03-04T08:30:00", "r1", "insert", "classification_overrides", "B1:2025-03-04"),
    ("2025-03-05T12:00:00", "r1", "insert", "visits", "B%"),
]


@pytest.fixture
def log(engine: Engine) -> Engine:
    with engine.begin() as conn:
        append_entries(
            conn,
            [
                {
                    "at": datetime.fromisoformat(at),
                    "username": user,
                    "action": action,
                    "table_name": table,
                    "record_key": record,
                    "before": None,
                    "after": '{"n": 1}',
                }
                for at, user, action, table, record in ENTRIES
            ],
        )
    return engine


def _records(engine: Engine, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        frame = audit_entries(conn, AUDITOR, **filters)
        assert audit_count(conn, AUDITOR, **{k: v for k, v in filters.items() if k != "limit"}) >= len(frame)
    return frame["record"].tolist()


def test_newest_first_with_every_column(log: Engine) -> None:
    with log.connect() as conn:
        frame = audit_entries(conn, AUDITOR)
    assert list(frame.columns) == COLUMNS
    assert frame["record"].tolist() == ["B%", "B1:2025-03-04", "B:2025-03-04", "IS10", "IS1", "AC1", "V1"]
    first = frame.iloc[0]
    assert (first["at"], first["username"], first["action"], first["table"]) == (
        datetime(2025, 3, 5, 12),
        "r1",
        "insert",
        "visits",
    )
    assert first["before"] is None and first["after"] == '{"n": 1}'


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"username": "m1"}, ["IS10"]),
        ({"username": "r1", "table": "issues"}, ["IS1"]),
        ({"table": "visits"}, ["B%", "V1"]),
        ({"record_key": "IS1"}, ["IS1"]),  # not IS10
        ({"record_key": "B"}, ["B:2025-03-04"]),  # a loan id finds its overrides, not B1's
        ({"record_key": "B%"}, ["B%"]),  # searched literally
        ({"since": D("2025-03-03"), "until": D("2025-03-03")}, ["IS10", "IS1"]),  # the whole day
        ({"until": D("2025-03-02")}, ["AC1", "V1"]),
        ({"since": datetime(2025, 3, 4, 8, 15)}, ["B%", "B1:2025-03-04"]),
        ({"until": datetime(2025, 3, 3)}, ["IS1", "AC1", "V1"]),
        ({"username": "nobody"}, []),
    ],
)
def test_filters(log: Engine, filters: dict, expected: list[str]) -> None:
    assert _records(log, **filters) == expected


def test_limit_and_count(log: Engine) -> None:
    with log.connect() as conn:
        assert audit_entries(conn, AUDITOR, limit=2)["record"].tolist() == ["B%", "B1:2025-03-04"]
        assert audit_count(conn, AUDITOR) == 7
        assert audit_count(conn, AUDITOR, username="r1") == 5


def test_choices(log: Engine) -> None:
    with log.connect() as conn:
        users, tables = audit_choices(conn, AUDITOR)
    assert users == ["m1", "o1", "r1"]
    assert tables == ["classification_overrides", "collection_actions", "issues", "visits"]


def test_a_save_is_found(engine: Engine) -> None:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "3000", "2025-01-10", [("2025-02-10", "3000", "30")])
    officer = Actor("o1", "officer", staff_id="O1")
    proposed = propose_override(
        engine, officer, "B", "loss", "失联", ["other"], "失联", "tok0", Config(), today=D("2025-03-20")
    )
    actor = Actor("r1", "risk_manager", staff_id="R1", branch_id="B1")
    decide_proposal(
        engine, actor, int(proposed.record_key), True, "同意", "tok", Config(), today=D("2025-03-20")
    )
    with engine.connect() as conn:
        frame = audit_entries(conn, AUDITOR, username="r1", record_key="B")
    assert frame[["username", "action", "table", "record"]].to_dict("records") == [
        {"username": "r1", "action": "insert", "table": "classification_overrides", "record": "B:2025-03-20"}
    ]
    assert '"classification": "loss"' in frame.iloc[0]["after"]


def test_sign_ins_by_the_audit_logs_scope(engine: Engine) -> None:
    attempts = [
        ("m1", datetime(2025, 3, 18, 9, 0), False, "password"),
        ("m1", datetime(2025, 3, 18, 9, 1), True, "password"),
        ("r1", datetime(2025, 3, 19, 9, 0), True, "cookie"),
        ("r1", datetime(2025, 3, 19, 10, 0), True, "unlock"),
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(LoginAttempt),
            [
                {"username": u, "at": at, "success": ok, "client": "c", "method": m}
                for u, at, ok, m in attempts
            ],
        )
    manager = Actor("m1", "manager", branch_id="B1")
    with engine.connect() as conn:
        everyone = sign_ins(conn, Actor("a", "auditor"))
        admin = sign_ins(conn, Actor("root", "admin"))
        own = sign_ins(conn, manager)
        nobody = sign_ins(conn, Actor("o1", "officer", staff_id="O1"))
        one_day = sign_ins(conn, Actor("a", "auditor"), since=D("2025-03-18"), until=D("2025-03-18"))
        counted = sign_in_count(conn, Actor("a", "auditor"), username="m1")
        users, _ = audit_choices(conn, manager)
    assert list(zip(everyone["username"], everyone["success"], strict=True)) == [
        ("r1", True),
        ("m1", True),
        ("m1", False),
    ]  # newest first; the unlock is no sign-in
    assert len(admin) == 3
    assert own["username"].tolist() == ["m1", "m1"] and nobody.empty
    assert one_day["username"].tolist() == ["m1", "m1"] and counted == 2
    assert "m1" in users and "r1" not in users
