"""The sign-in flow in the app (AppTest, streamlit-authenticator's real form; the cookie is tested in a
real browser, and here by handing the tokens the app sets to a new session): the cookie key, signing in and
out, wrong passwords and the lockout, idle expiry across tabs, and a user disabled while signed in."""

from __future__ import annotations

import time
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
import streamlit.runtime.context
from extra_streamlit_components import CookieManager
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest
from streamlit_authenticator.models import cookie_model

from dashboard import clock
from dashboard.auth import idle
from dashboard.auth.signin import COOKIE_NAME, LAST_SEEN
from dashboard.auth.users import NewUser, add_user, set_disabled
from dashboard.ui.session import ACTOR_KEY
from db.models import LoginAttempt
from tests.auth.conftest import ADMIN, OFFICER_O1
from tests.web.conftest import TEST_ENV, app


@pytest.fixture
def users_db(app_db: Engine) -> Engine:
    add_user(app_db, ADMIN, NewUser("o1", "Officer One", "officer", "right password", staff_id="O1"))
    add_user(app_db, ADMIN, NewUser("boss", "The Boss", "manager", "corner office key"))
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
    with_secret.secrets["cookie_key"] = "from-secrets-toml-0123456789abcdef"
    assert with_secret.run().title[0].value == "Portfolio overview"
    monkeypatch.setenv("POSTLOAN_DEMO", "1")
    assert app(lang="en").run().title[0].value == "Portfolio overview"


def test_signed_out_shows_only_the_form_then_signs_in(users_db: Engine) -> None:
    at = app(actor=None, lang="en").run()
    assert not at.exception
    assert _signed_out(at) and at.title[0].value == "postloan — sign in"
    assert not at._registered_pages or all("url_pathname" not in p for p in at._registered_pages.values())
    assert not at.metric
    _sign_in(at, "BOSS ", "corner office key")  # the form lower-cases and trims the username
    assert not at.exception
    actor = _actor(at)
    assert (actor.username, actor.role, actor.branch_id) == ("boss", "manager", None)
    assert at.title[0].value == "Portfolio overview"
    assert "The Boss (boss) · manager" in at.sidebar.caption[0].value.replace("\\", "")


def test_wrong_passwords_then_a_wait(users_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The clock stands still: the first wait is a second, which a loaded machine can spend between clicks.
    frozen = clock.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    at = app(actor=None, lang="en").run()
    for _ in range(4):
        _sign_in(at, "o1", "not it")
        assert at.error[0].value == "Incorrect username or password."
        assert _signed_out(at)
    _sign_in(at, "o1", "not it")
    assert at.error[0].value.startswith("Too many failed sign-ins: wait until ")
    _sign_in(at, "o1", "right password")  # waiting: even the right password is refused
    assert at.error[0].value.startswith("Too many failed sign-ins: wait until ")
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


MINUTE = 60.0


class Browser:
    """Time and the browser's cookie jar for AppTest: the clock of the idle expiry and of the library's
    cookie check moves when told; each cookie the app sets is kept, and a new session (a new tab) sends the
    latest one, as st.context.cookies of a real tab would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = time.time()
        self.cookie: str | None = None
        browser = self

        class Clock(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return datetime.fromtimestamp(browser.at, tz)

        original_set = CookieManager.set

        def keep(manager: CookieManager, cookie: str, val: Any, *args: Any, **kwargs: Any) -> None:
            if cookie == COOKIE_NAME:
                browser.cookie = str(val)
            original_set(manager, cookie, val, *args, **kwargs)

        monkeypatch.setattr(idle, "now", lambda: browser.at)
        monkeypatch.setattr(cookie_model, "datetime", Clock)
        monkeypatch.setattr(CookieManager, "set", keep)
        monkeypatch.setattr(streamlit.runtime.context, "_get_client_context", self._client)

    def _client(self) -> SimpleNamespace:
        return SimpleNamespace(
            cookies={COOKIE_NAME: self.cookie} if self.cookie else {}, headers={}, remote_ip=None
        )

    def wait(self, minutes: float) -> None:
        self.at += minutes * MINUTE

    def new_tab(self) -> AppTest:
        return app(actor=None, lang="en").run()

    def cookie_expires(self) -> float:
        assert self.cookie is not None
        claims = jwt.decode(self.cookie, TEST_ENV["POSTLOAN_COOKIE_KEY"], algorithms=["HS256"])
        return float(claims["exp_date"])


def test_active_all_along_a_new_tab_after_50_minutes_is_let_in(
    users_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 item 11: the cookie expired 30 minutes after signing in, whatever the activity."""
    monkeypatch.setenv("POSTLOAN_IDLE_MINUTES", "30")
    browser = Browser(monkeypatch)
    tab = _sign_in(browser.new_tab(), "o1", "right password")
    assert _actor(tab).username == "o1" and browser.cookie is not None
    browser.wait(25)
    tab.run()
    assert _actor(tab).username == "o1"
    assert browser.cookie_expires() == browser.at + 30 * MINUTE  # slid on the activity
    browser.wait(25)  # 50 minutes after signing in, 25 after the last click
    drill_down = browser.new_tab()
    assert not drill_down.exception
    assert _actor(drill_down).username == "o1" and not drill_down.text_input
    assert drill_down.title[0].value == "Portfolio overview"
    assert _actor(tab.run()).username == "o1"


def test_a_tab_left_idle_while_another_is_used_stays_signed_in(
    users_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTLOAN_IDLE_MINUTES", "30")
    browser = Browser(monkeypatch)
    first = _sign_in(browser.new_tab(), "o1", "right password")
    browser.wait(20)
    second = browser.new_tab()
    assert _actor(second).username == "o1"
    browser.wait(20)
    second.run()
    browser.wait(5)  # the first tab: 45 minutes without a run, the sign-in: 5
    first.run()
    assert not first.exception
    assert _actor(first).username == "o1"


def test_idle_31_minutes_in_every_tab_signs_out_and_a_new_tab_asks_for_the_password(
    users_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTLOAN_IDLE_MINUTES", "30")
    browser = Browser(monkeypatch)
    tab = _sign_in(browser.new_tab(), "o1", "right password")
    browser.wait(25)
    tab.run()
    browser.wait(31)
    assert _signed_out(browser.new_tab())
    tab.run()
    assert _signed_out(tab)
    assert "signed out after a period without activity" in tab.info[0].value
