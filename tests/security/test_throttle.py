"""Issue 22 item 8: failed sign-ins slow one client down (no hard lock), answer alike for unknown and known
accounts in the same time (one bcrypt check each), keep no password-like username and audit sparingly."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth import login
from dashboard.auth.login import attempt_login
from dashboard.auth.users import NewUser, add_user, unlock
from db.models import AuditEntry, LoginAttempt
from tests.kpi.book import reference

NOW = datetime(2026, 11, 2, 9, 0, 0)
ADMIN = Actor("admin", "admin")


@pytest.fixture
def one_user(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
    add_user(engine, ADMIN, NewUser("o1", "Officer One", "officer", "right password", staff_id="O1"))
    return engine


def _run(engine: Engine, username: str, tries: int, client: str = "attacker") -> list[tuple[str, object]]:
    outcomes = []
    for n in range(tries):
        attempt = attempt_login(
            engine, username, f"guess {n}", NOW + timedelta(seconds=n / 10), client=client
        )
        outcomes.append((attempt.outcome, attempt.retry_at))
    return outcomes


def test_unknown_and_known_accounts_answer_alike(one_user: Engine) -> None:
    assert _run(one_user, "ghost", 8) == _run(one_user, "o1", 8)


def test_every_answer_makes_one_password_check(one_user: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown, wrong, waiting: each takes one bcrypt check, so none answers faster (0.8 ms against 325)."""
    checks: list[str] = []
    real = login.check_password

    def counted(password: str, hashed: str) -> bool:
        checks.append(password)
        return real(password, hashed)

    monkeypatch.setattr(login, "check_password", counted)
    for username in ("ghost", "o1"):
        for n in range(8):
            before = len(checks)
            attempt_login(one_user, username, "x", NOW + timedelta(seconds=n / 10), client="attacker")
            assert len(checks) == before + 1


def test_the_real_user_on_another_client_is_let_in(one_user: Engine) -> None:
    _run(one_user, "o1", 30)
    assert attempt_login(one_user, "o1", "right password", NOW + timedelta(seconds=4), client="office").ok


def test_a_password_typed_as_a_username_is_not_stored(one_user: Engine) -> None:
    secret = "Summer2024!Pass"
    attempt_login(one_user, secret, "whatever", NOW, client="c")
    with one_user.connect() as conn:
        stored = conn.execute(select(LoginAttempt.username)).scalars().all()
        audited = conn.execute(select(AuditEntry.username, AuditEntry.record_key, AuditEntry.after)).all()
    text = repr(stored) + repr(audited)
    assert secret.lower() not in text and "summer2024" not in text
    assert stored[0].startswith("su…#")


def test_failures_are_audited_sparingly(one_user: Engine) -> None:
    _run(one_user, "o1", 40)
    with one_user.connect() as conn:
        audited = conn.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed")
        )
    assert audited == 1 + 40 // 5


def test_an_administrators_unlock_ends_the_wait(one_user: Engine) -> None:
    base = clock.now() - timedelta(minutes=1)
    for n in range(12):  # the 12th failure asks for a wait of 2**7 s
        attempt_login(one_user, "o1", "guess", base + timedelta(seconds=n / 10), client="attacker")
    assert attempt_login(one_user, "o1", "right password", clock.now(), client="attacker").outcome == "wait"
    unlock(one_user, ADMIN, "o1")
    assert attempt_login(one_user, "o1", "right password", clock.now(), client="attacker").ok
