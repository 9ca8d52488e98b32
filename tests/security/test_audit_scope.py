"""Issue 22 item 7: each reader of the audit log sees only the rows of their scope, checked in the query."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from dashboard.actor import Actor
from dashboard.work.audit import append_entries
from dashboard.work.audit_query import audit_choices, audit_count, audit_entries
from db.models import CollectionAction
from tests.kpi.book import act, loan, reference, visit

MANAGER_B1 = Actor("m1", "manager", branch_id="B1")
MANAGER_B2 = Actor("m2", "manager", branch_id="B2")
ADMIN = Actor("admin", "admin")
AUDITOR = Actor("au", "auditor")
OFFICER = Actor("o1", "officer", staff_id="O1")
MONTHLY = [("2025-02-10", "1000", "10")]


@pytest.fixture
def log(engine: Engine) -> Engine:
    """Loan B in B11 (under B1), loan C in B2; a visit and an action on each, audited, plus account events."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "1000", "2025-01-10", MONTHLY)
        loan(conn, "C", "1000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        vb, vc = visit(conn, "B", "2025-02-01"), visit(conn, "C", "2025-02-01")
        act(conn, "B", "2025-02-02T10:00:00", "call", staff="C1")
        act(conn, "C", "2025-02-02T10:00:00", "call", staff="C1")
        actions = dict(conn.execute(select(CollectionAction.loan_id, CollectionAction.action_id)).all())
        rows = [
            ("r1", "insert", "visits", vb),
            ("r2", "insert", "visits", vc),
            ("c1", "insert", "collection_actions", actions["B"]),
            ("c1", "insert", "collection_actions", actions["C"]),
            ("r1", "insert", "classification_overrides", "B:2025-03-01"),
            ("r2", "insert", "classification_overrides", "C:2025-03-01"),
            ("o2", "unmask", "loans", "C"),
            ("m2", "resolve", "issues", "IS-none"),
            ("admin", "insert", "users", "newuser"),
            ("=cmd", "login_failed", "users", "=cmd"),
            ("admin", "update", "settings", "ptp_max_days"),
        ]
        append_entries(
            conn,
            [
                {
                    "at": datetime(2025, 3, 1, 9, n),
                    "username": user,
                    "action": action,
                    "table_name": table,
                    "record_key": key,
                    "before": None,
                    "after": '{"notes": "x"}',
                }
                for n, (user, action, table, key) in enumerate(rows)
            ],
        )
    return engine


def _seen(engine: Engine, actor: Actor) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        frame = audit_entries(conn, actor)
        assert audit_count(conn, actor) == len(frame)
    return set(zip(frame["table"], frame["record"], strict=True))


def test_a_branch_manager_reads_only_rows_about_their_loans_and_their_own(log: Engine) -> None:
    seen = _seen(log, MANAGER_B2)
    tables = {t for t, _ in seen}
    assert ("classification_overrides", "C:2025-03-01") in seen and ("loans", "C") in seen
    assert ("issues", "IS-none") in seen  # their own action
    assert not any(key.startswith("B") for _, key in seen if _ != "issues")
    assert "users" not in tables and "settings" not in tables
    assert {t for t, _ in _seen(log, MANAGER_B1)} >= {"visits", "collection_actions"}
    assert ("loans", "C") not in _seen(log, MANAGER_B1)
    # A loan's visit and action of the other branch are not there either.
    assert len(_seen(log, MANAGER_B1) & _seen(log, MANAGER_B2)) == 0


def test_admin_sees_account_events_but_no_loan_rows(log: Engine) -> None:
    seen = _seen(log, ADMIN)
    assert {t for t, _ in seen} == {"users", "settings"}
    with log.connect() as conn:
        users, tables = audit_choices(conn, ADMIN)
    assert tables == ["settings", "users"] and "c1" not in users


def test_the_auditor_sees_everything_and_other_roles_nothing(log: Engine) -> None:
    assert len(_seen(log, AUDITOR)) == 11
    assert _seen(log, OFFICER) == set()
