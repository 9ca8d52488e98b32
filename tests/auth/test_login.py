"""Checking a sign-in (dashboard.auth.login) on SQLite and PostgreSQL: the growing delay after N failures
from one client, its end, the attempts log and the audit rows of failures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from dashboard.auth.login import attempt_login, recorded_name
from dashboard.auth.users import NewUser, add_user, set_disabled
from db.models import AuditEntry, LoginAttempt, User
from tests.auth.conftest import ADMIN

NOW = datetime(2026, 11, 2, 9, 0, 0)


@pytest.fixture
def one_user(people: Engine) -> Engine:
    add_user(people, ADMIN, NewUser("o1", "Officer One", "officer", "right password", staff_id="O1"))
    return people


def _attempts(engine: Engine) -> list[tuple[str, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(LoginAttempt.username, LoginAttempt.success).order_by(LoginAttempt.attempt_id)
        )
        return [(u, bool(s)) for u, s in rows]


def _failures_audited(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEntry.username, AuditEntry.after)
            .where(AuditEntry.action == "login_failed")
            .order_by(AuditEntry.entry_id)
        ).all()
    return [{"username": u, **json.loads(after)} for u, after in rows]


def test_a_right_password_signs_in_and_is_logged(one_user: Engine) -> None:
    attempt = attempt_login(one_user, "  O1 ", "right password", NOW)
    assert attempt.ok
    assert attempt.actor is not None and (attempt.actor.username, attempt.actor.staff_id) == ("o1", "O1")
    assert _attempts(one_user) == [("o1", True)]
    assert _failures_audited(one_user) == []


def test_five_wrong_passwords_make_the_next_attempt_from_that_client_wait(one_user: Engine) -> None:
    for n in range(1, 5):
        attempt = attempt_login(one_user, "o1", f"wrong {n}", NOW + timedelta(seconds=n), client="c1")
        assert attempt.outcome == "wrong"
    fifth = attempt_login(one_user, "o1", "wrong 5", NOW + timedelta(seconds=5), client="c1")
    assert (fifth.outcome, fifth.retry_at) == ("wait", NOW + timedelta(seconds=6))
    # While waiting even the right password is refused, and the wait grows (2 s after this attempt).
    during = attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=5.5), client="c1")
    assert (during.outcome, during.retry_at) == ("wait", NOW + timedelta(seconds=7.5))
    # Another client (the real user) is not held up: no hard lock on the account.
    assert attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=6), client="c2").ok
    after = attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=8), client="c1")
    assert after.ok
    assert _attempts(one_user) == [("o1", False)] * 6 + [("o1", True)] * 2
    audited = _failures_audited(one_user)
    # Audited at the first failure of a run and every fifth: not once per guess.
    assert [(a["reason"], a["failures_in_a_row"]) for a in audited] == [
        ("wrong password", 1),
        ("wrong password", 5),
    ]
    with one_user.connect() as conn:
        row = conn.execute(select(User.failed_attempts, User.locked_until)).one()
    assert tuple(row) == (0, None)


def test_a_success_resets_the_count(one_user: Engine) -> None:
    for n in range(4):
        attempt_login(one_user, "o1", "wrong", NOW + timedelta(seconds=n))
    assert attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=5)).ok
    for n in range(4):
        assert attempt_login(one_user, "o1", "wrong", NOW + timedelta(seconds=10 + n)).outcome == "wrong"


def test_limits_come_from_the_environment(one_user: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTLOAN_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("POSTLOAN_LOCK_MINUTES", "1")
    assert attempt_login(one_user, "o1", "wrong", NOW).outcome == "wrong"
    waiting = attempt_login(one_user, "o1", "wrong", NOW)
    assert waiting.retry_at == NOW + timedelta(seconds=1)
    for n in range(1, 12):  # the delay doubles, up to POSTLOAN_LOCK_MINUTES
        last = attempt_login(one_user, "o1", "wrong", NOW + timedelta(seconds=n))
    assert last.retry_at == NOW + timedelta(seconds=11, minutes=1)
    assert attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=72)).ok
    monkeypatch.setenv("POSTLOAN_MAX_ATTEMPTS", "zero")
    with pytest.raises(ValueError, match="POSTLOAN_MAX_ATTEMPTS"):
        attempt_login(one_user, "o1", "wrong", NOW)


def test_unknown_users_and_disabled_users_fail_alike(one_user: Engine) -> None:
    unknown = attempt_login(one_user, "nobody", "right password", NOW)
    set_disabled(one_user, ADMIN, "o1", True)
    disabled = attempt_login(one_user, "o1", "right password", NOW)
    assert unknown.outcome == disabled.outcome == "wrong"
    assert unknown.actor is None and disabled.actor is None
    nobody = recorded_name("nobody", known=False)
    assert nobody.startswith("no…#") and "nobody" not in nobody
    assert _attempts(one_user) == [(nobody, False), ("o1", False)]
    assert [(a["username"], a["reason"]) for a in _failures_audited(one_user)] == [
        (nobody, "unknown user"),
        ("o1", "disabled"),
    ]


def test_an_overlong_username_is_logged_cut_short(one_user: Engine) -> None:
    assert attempt_login(one_user, "x" * 500, "whatever", NOW).outcome == "wrong"
    assert _attempts(one_user) == [(recorded_name("x" * 60, known=False), False)]
