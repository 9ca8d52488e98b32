"""Issue 22 item 2: sessions end on the server (revoked at sign-out, idle and absolute expiry), the cookie
key must be long outside demo mode, the cookie is Secure (configurable) and SameSite, sign-ins by cookie
are logged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select

from dashboard.auth import sessions, signin
from dashboard.auth.sessions import new_session, revoke, touch
from dashboard.auth.users import NewUser, add_user, set_disabled
from db.migrate import alembic_config
from db.models import LoginAttempt, SignInSession
from tests.auth.conftest import ADMIN
from tests.auth.test_signin import Browser, _actor, _sign_in, _signed_out
from tests.auth.test_signin import users_db as users_db
from tests.kpi.book import reference

NOW = datetime(2026, 11, 2, 9, 0)
IDLE = timedelta(minutes=30)
LIFE = timedelta(hours=12)


@pytest.fixture
def user(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
    add_user(engine, ADMIN, NewUser("o1", "Officer One", "officer", "right password", staff_id="O1"))
    return engine


def test_a_session_is_valid_until_revoked(user: Engine) -> None:
    token = new_session(user, "o1", NOW, LIFE, "c1")
    assert touch(user, token, "o1", NOW + timedelta(minutes=5), IDLE)
    assert not touch(user, token, "someone else", NOW + timedelta(minutes=5), IDLE)
    revoke(user, token, NOW + timedelta(minutes=6))
    assert not touch(user, token, "o1", NOW + timedelta(minutes=7), IDLE)
    with user.connect() as conn:
        stored = conn.execute(select(SignInSession.session_hash)).scalar_one()
    assert stored != token and stored == sessions.token_hash(token)  # the table holds no usable token


def test_idle_and_absolute_expiry(user: Engine) -> None:
    idle_token = new_session(user, "o1", NOW, LIFE, None)
    assert not touch(user, idle_token, "o1", NOW + IDLE + timedelta(seconds=1), IDLE)
    busy = new_session(user, "o1", NOW, LIFE, None)
    at = NOW
    while at < NOW + LIFE - timedelta(minutes=20):  # active every 20 minutes all day
        at += timedelta(minutes=20)
        assert touch(user, busy, "o1", at, IDLE)
    assert not touch(user, busy, "o1", NOW + LIFE, IDLE), "the absolute lifetime ends it however active"


def test_disabling_a_user_revokes_their_sessions(user: Engine) -> None:
    token = new_session(user, "o1", datetime.now() - timedelta(minutes=1), LIFE, None)
    set_disabled(user, ADMIN, "o1", True)
    assert not touch(user, token, "o1", datetime.now(), IDLE)


@pytest.mark.parametrize(
    ("key", "demo", "problem"),
    [
        (None, False, "auth.no_cookie_key"),
        ("changeme", False, "auth.short_cookie_key"),
        ("x" * 31, False, "auth.short_cookie_key"),
        ("x" * 32, False, None),
        ("changeme", True, None),
    ],
)
def test_a_short_cookie_key_is_refused_outside_demo_mode(
    key: str | None, demo: bool, problem: str | None
) -> None:
    assert signin.key_problem(key, demo) == problem


def test_the_cookie_is_secure_unless_configured_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTLOAN_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("POSTLOAN_DEMO", raising=False)
    assert signin.cookie_secure()
    monkeypatch.setenv("POSTLOAN_DEMO", "1")
    assert not signin.cookie_secure()
    monkeypatch.setenv("POSTLOAN_COOKIE_SECURE", "1")
    assert signin.cookie_secure()
    monkeypatch.delenv("POSTLOAN_DEMO")
    monkeypatch.setenv("POSTLOAN_COOKIE_SECURE", "0")
    assert not signin.cookie_secure()


def test_a_copied_cookie_opens_nothing_after_sign_out(
    users_db: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(monkeypatch)
    tab = _sign_in(browser.new_tab(), "o1", "right password")
    assert _actor(tab).username == "o1" and browser.cookie is not None
    copied = browser.cookie
    # The cookie signs a new tab in, and that sign-in is logged as one by cookie.
    assert _actor(browser.new_tab()).username == "o1"
    with users_db.connect() as conn:
        methods = (
            conn.execute(select(LoginAttempt.method).where(LoginAttempt.success.is_(True))).scalars().all()
        )
    assert sorted(methods) == ["cookie", "password"]
    tab.sidebar.button(key="auth_sign_out").click().run()
    assert _signed_out(tab)
    browser.cookie = copied  # the attacker's copy, replayed
    replay = browser.new_tab()
    assert not replay.exception
    assert _actor(replay) is None and not replay.metric
    assert [i.value for i in replay.info] == [
        "This sign-in has ended (signed out, or too old). Please sign in again."
    ]
    # And the form to sign in again is there: the token had marked the session signed in for the library,
    # which then drew no form (found by the browser test, tests/browser/test_security_e2e.py).
    assert _signed_out(replay)


def test_migration_0014_upgrades_and_downgrades(engine: Engine) -> None:
    config = alembic_config(engine)
    assert "sign_in_sessions" in inspect(engine).get_table_names()
    command.downgrade(config, "0009")
    assert "sign_in_sessions" not in inspect(engine).get_table_names()
    assert "client" not in {c["name"] for c in inspect(engine).get_columns("login_attempts")}
    command.upgrade(config, "head")
    assert {"client", "method"} <= {c["name"] for c in inspect(engine).get_columns("login_attempts")}
