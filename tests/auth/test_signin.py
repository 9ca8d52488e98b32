"""The sign-in flow in the app (AppTest, streamlit-authenticator's real form; the cookie is tested in a
real browser): the cookie key, signing in and out, wrong passwords and the lockout, idle expiry, and a user
disabled while signed in."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from dashboard.auth.signin import LAST_SEEN
from dashboard.auth.users import NewUser, add_user, set_disabled
from dashboard.ui.session import ACTOR_KEY
from db.models import LoginAttempt
from tests.auth.conftest import ADMIN, OFFICER_O1
from tests.web.conftest import app


@pytest.fixture
def users_db(app_db: Engine) -> Engine:
    add_user(app_db, ADMIN, NewUser("o1", "Officer One", "officer", "right password", staff_id="O1"))
    add_user(app_db, ADMIN, NewUser("boss", "The Boss", "manager", "boss password"))
    return app_db


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def _actor(at: AppTest):  # type: ignore[no-untyped-def]
    return at.session_state.get(ACTOR_KEY)


def _signed_out(at: AppTest) -> bool:
    labels = [w.label for w in at.text_input]
    return labels == ["Username", "Password"] and _actor(at) is None


def test_without_a_cookie_key_the_app_says_how_to_set_it(
    app_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTLOAN_COOKIE_KEY", "")  # set but empty: app() leaves a set variable alone
    monkeypatch.delenv("POSTLOAN_DEMO", raising=False)
    at = app(lang="en").run()
    assert not at.exception
    assert "POSTLOAN_COOKIE_KEY" in at.error[0].value and "secrets.toml" in at.error[0].value
    assert not at.metric and not at.text_input  # nothing else: no page, no form
    with_secret = app(lang="en")
    with_secret.secrets["cookie_key"] = "from-secrets-toml"
    assert with_secret.run().title[0].value == "Portfolio overview"
    monkeypatch.setenv("POSTLOAN_DEMO", "1")
    assert app(lang="en").run().title[0].value == "Portfolio overview"


def test_signed_out_shows_only_the_form_then_signs_in(users_db: Engine) -> None:
    at = app(actor=None, lang="en").run()
    assert not at.exception
    assert _signed_out(at) and at.title[0].value == "postloan — sign in"
    assert not at._registered_pages or all("url_pathname" not in p for p in at._registered_pages.values())
    assert not at.metric
    _sign_in(at, "BOSS ", "boss password")  # the form lower-cases and trims the username
    assert not at.exception
    actor = _actor(at)
    assert (actor.username, actor.role, actor.branch_id) == ("boss", "manager", None)
    assert at.title[0].value == "Portfolio overview"
    assert "The Boss (boss) · manager" in at.sidebar.caption[0].value.replace("\\", "")


def test_wrong_passwords_then_the_lockout(users_db: Engine) -> None:
    at = app(actor=None, lang="en").run()
    for _ in range(4):
        _sign_in(at, "o1", "not it")
        assert at.error[0].value == "Incorrect username or password."
        assert _signed_out(at)
    _sign_in(at, "o1", "not it")
    assert at.error[0].value.startswith("Too many failed sign-ins: this account is locked until ")
    _sign_in(at, "o1", "right password")  # locked: even the right password is refused
    assert "locked until" in at.error[0].value
    assert _signed_out(at)
    with users_db.connect() as conn:
        logged = conn.execute(select(LoginAttempt.username, LoginAttempt.success)).all()
    assert [tuple(r) for r in logged] == [("o1", False)] * 6


def test_sign_out_ends_the_session(users_db: Engine) -> None:
    at = _sign_in(app(actor=None, lang="en").run(), "o1", "right password")
    assert _actor(at).username == "o1"
    at.sidebar.button(key="auth_sign_out").click().run()
    assert not at.exception
    assert _signed_out(at)
    assert at.info[0].value == "You are signed out."
    assert "branch" not in at.session_state and LAST_SEEN not in at.session_state


def test_an_idle_session_expires(users_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTLOAN_IDLE_MINUTES", "30")
    at = app(actor=OFFICER_O1, lang="en").run()
    assert at.title[0].value == "Portfolio overview"
    at.session_state[LAST_SEEN] = time.time() - 29 * 60
    at.run()
    assert _actor(at) == OFFICER_O1
    at.session_state[LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert _signed_out(at)
    assert "signed out after a period without activity" in at.info[0].value


def test_a_user_disabled_while_signed_in_is_signed_out_at_the_next_run(users_db: Engine) -> None:
    at = _sign_in(app(actor=None, lang="en").run(), "o1", "right password")
    assert _actor(at).username == "o1"
    set_disabled(users_db, ADMIN, "o1", True)
    at.run()
    assert _signed_out(at)
    assert at.info[0].value == "This account is disabled. Ask an administrator."
    _sign_in(at, "o1", "right password")
    assert at.error[0].value == "Incorrect username or password."
