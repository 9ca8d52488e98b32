"""Sign-in, sign-out and idle expiry in the Streamlit app, with streamlit-authenticator (0.4.2).

streamlit-authenticator draws the sign-in form and keeps the re-authentication cookie (a JWT signed with
the cookie key, of at least MIN_KEY_BYTES outside demo mode). The password itself is checked by
dashboard.auth.login against the users table and login_attempts, which keep the failures and the growing
delay after them: the library's own counters live in a dict rebuilt every run and would never stop anyone.

The cookie's "sid" claim is the token of a session kept on the server (dashboard.auth.sessions): checked on
every run and at every sign-in by cookie, revoked at sign-out, so a copied cookie opens nothing afterwards.
The cookie is SameSite=Strict and Secure (POSTLOAN_COOKIE_SECURE); it cannot be HttpOnly, as the library's
cookie manager writes it from the page's script.

The signed-in user is st.session_state["actor"]. A browser cannot write session state, so a session that
already holds an actor (the AppTest tests seed one) is taken as signed in.

Idle expiry slides and spans the browser's tabs (dashboard.auth.idle): every script run of any tab of a
sign-in counts as activity, and while there is activity the cookie is re-issued with a new expiry, so a tab
opened from it is let in until the sign-in has been idle for POSTLOAN_IDLE_MINUTES.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import select
from streamlit_authenticator.utilities import LoginError

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth import idle, sessions
from dashboard.auth.login import Attempt, attempt_login, env_int, log_attempt
from dashboard.auth.text import plain
from dashboard.auth.users import load_actor
from dashboard.i18n import LANGUAGES
from dashboard.ui.data import engine
from dashboard.ui.i18n import t
from dashboard.ui.session import ACTOR_KEY, current_actor
from db.models import User

COOKIE_NAME = "postloan_session"
LAST_SEEN = "_auth_last_seen"
NOTICE = "_auth_notice"
OUTCOME = "_auth_outcome"
SET_COOKIE = "_auth_set_cookie"
COOKIE_SENT = "_auth_cookie_sent"
NEXT_PAGE = "_auth_next_page"
# The sign-in this session belongs to: its id travels in the cookie, so the tabs opened from it share it.
SIGN_IN_ID = "_auth_sign_in"
COOKIE_COMPONENT_KEY = "auth_cookie"
# Kept through a sign-out: the language, and the library's keys ("logout" stops the cookie signing the
# session straight back in).
KEEP = {"lang", "authentication_status", "username", "name", "email", "roles", "logout"}
# Never a bcrypt hash: the library cannot match a password against it, only dashboard.auth.login can.
NO_PASSWORD = "!"
# Demo mode (POSTLOAN_DEMO=1) without a configured key: one random key per server process.
_DEMO_KEY = secrets.token_urlsafe(32)
# A cookie-signing key shorter than this (in bytes) is refused outside demo mode: with "changeme" a forged
# admin cookie opened the Users page.
MIN_KEY_BYTES = 32


def cookie_key() -> str | None:
    """POSTLOAN_COOKIE_KEY, else st.secrets["cookie_key"], else in demo mode a random per-process key."""
    key = os.environ.get("POSTLOAN_COOKIE_KEY", "").strip()
    if key:
        return key
    try:
        key = str(st.secrets.get("cookie_key") or "").strip()
    except Exception:  # no secrets.toml at all: Streamlit raises on the first read
        key = ""
    if key:
        return key
    return _DEMO_KEY if os.environ.get("POSTLOAN_DEMO") == "1" else None


def client_address() -> str:
    """The address the browser connects from, as Streamlit sees it. Behind a reverse proxy that is the
    proxy's, unless POSTLOAN_TRUST_PROXY=1, when the first address of X-Forwarded-For (set by the proxy)
    is taken: only trust it when nothing but the proxy can reach the app (see the README)."""
    if os.environ.get("POSTLOAN_TRUST_PROXY") == "1":
        forwarded = st.context.headers.get("X-Forwarded-For")
        if isinstance(forwarded, str) and forwarded.split(",")[0].strip():
            return forwarded.split(",")[0].strip()
    address = st.context.ip_address  # None on localhost; not a str at all under AppTest
    return address if isinstance(address, str) and address else "local"


def idle_minutes() -> int:
    return env_int("POSTLOAN_IDLE_MINUTES", 30)


def login_sleep() -> float:
    """The pause streamlit-authenticator makes on every signed-out run (its default 0.7 s); tests set 0."""
    return float(os.environ.get("POSTLOAN_LOGIN_SLEEP", "0.7"))


def demo() -> bool:
    return os.environ.get("POSTLOAN_DEMO") == "1"


def key_problem(key: str | None, demo_mode: bool) -> str | None:
    """The term saying what is wrong with the cookie key, if anything."""
    if key is None:
        return "auth.no_cookie_key"
    if not demo_mode and len(key.encode()) < MIN_KEY_BYTES:
        return "auth.short_cookie_key"
    return None


def require_cookie_key() -> str:
    key = cookie_key()
    problem = key_problem(key, demo())
    if problem or key is None:
        st.error(t(problem or "auth.no_cookie_key", min=MIN_KEY_BYTES), icon=":material/key_off:")
        st.stop()
    return key


def session_hours() -> int:
    """POSTLOAN_SESSION_HOURS: the absolute lifetime of a sign-in, however active (12)."""
    return env_int("POSTLOAN_SESSION_HOURS", 12)


def cookie_secure() -> bool:
    """POSTLOAN_COOKIE_SECURE: send the cookie over HTTPS only; on by default, off in demo mode (plain
    HTTP on a laptop); "0" or "1" overrides."""
    raw = os.environ.get("POSTLOAN_COOKIE_SECURE", "").strip()
    return raw == "1" if raw in ("0", "1") else not demo()


def authenticator(key: str) -> stauth.Authenticate:
    """Build the authenticator for this run (once per run: its widgets have fixed keys)."""
    with engine().connect() as conn:
        rows = conn.execute(select(User.username, User.name, User.role)).all()
    credentials: dict[str, Any] = {
        "usernames": {u: {"name": n, "password": NO_PASSWORD, "roles": [r]} for u, n, r in rows}
    }
    auth = stauth.Authenticate(
        credentials,
        COOKIE_NAME,
        key,
        # The cookie lives as long as an idle session may: a reload after that asks for the password. It is
        # issued by issue_cookie, which slides this expiry on activity; the library only reads and deletes it.
        idle_minutes() / (24 * 60),
        auto_hash=False,
        login_sleep_time=login_sleep(),
    )

    def check(username: str, password: str) -> bool:
        attempt = attempt_login(engine(), username, password, client=client_address())
        st.session_state[OUTCOME] = attempt
        if attempt.ok and username not in credentials["usernames"]:  # added since this run began
            credentials["usernames"][username] = {"name": attempt.actor.name, "password": NO_PASSWORD}
        return attempt.ok

    # The library's one hook for checking a password; everything else of its login flow stays as it is.
    auth.authentication_controller.authentication_model.check_credentials = check
    return auth


def signed_in(auth: stauth.Authenticate) -> Actor | None:
    """The signed-in user, or None after drawing the sign-in page (the caller then stops).

    A session whose sign-in has been idle in every tab for longer than POSTLOAN_IDLE_MINUTES is signed out;
    so is one whose user has been disabled since (checked on every run for sessions that signed in through
    the form or the cookie), and one the server no longer holds valid (signed out in another tab, past its
    lifetime: dashboard.auth.sessions)."""
    state = st.session_state
    now = idle.now()
    idle_seconds = idle_minutes() * 60
    actor = current_actor()
    if actor is not None:
        if idle.expired(_last_active(), now, idle_seconds):
            sign_out(auth, "auth.expired")
            actor = None
        elif state.get("authentication_status"):
            with engine().connect() as conn:
                actor = load_actor(conn, actor.username)
            if actor is None:
                sign_out(auth, "auth.disabled")
            else:
                state[ACTOR_KEY] = actor
        if actor is not None and not _session_valid(actor):
            sign_out(auth, "auth.session_ended")
            actor = None
    else:
        actor = _from_cookie(auth)
    if actor is None:
        sign_in_page(auth)
        return None
    state[LAST_SEEN] = now
    sid = state.get(SIGN_IN_ID)
    if sid is not None:
        idle.ACTIVITY.seen(sid, now, idle_seconds)
        # Set on the first run after the sign-in, not in the run that drew the form: that run ends in a
        # rerun, which can drop the cookie component before the browser runs it. Then again every minute
        # or so of activity, which slides its expiry; and again soon while the browser does not report it.
        force = state.pop(SET_COOKIE, False)
        if idle.ACTIVITY.claim_cookie(sid, now, idle_seconds, force=force, confirmed=_cookie_written()):
            state[COOKIE_SENT] = issue_cookie(auth, actor.username, sid, now)
    return actor


def _cookie_written() -> bool:
    """Whether the browser wrote the cookie last issued by this session: its component answers True once it
    has run. It never runs if another script run (a click to another page) replaced the one that drew it
    first, and a reload would then ask for the password."""
    state = st.session_state
    sent = state.get(COOKIE_SENT)
    if sent is None or state.get(sent) is True:
        state.pop(COOKIE_SENT, None)
        return True
    return False


def _session_valid(actor: Actor) -> bool:
    """The server's word on this session (revoked by a sign-out in another tab or a disabled user, idle,
    past its lifetime). A session the tests seeded has no sign-in id and is taken as it is."""
    sid = st.session_state.get(SIGN_IN_ID)
    if sid is None:
        return True
    return sessions.touch(engine(), sid, actor.username, clock.now(), timedelta(minutes=idle_minutes()))


def _last_active() -> float | None:
    """When this session's sign-in was last active in any tab (None: a session the tests seeded)."""
    state = st.session_state
    times = [state.get(LAST_SEEN)]
    if state.get(SIGN_IN_ID) is not None:
        times.append(idle.ACTIVITY.last_seen(state[SIGN_IN_ID]))
    known = [at for at in times if at is not None]
    return max(known) if known else None


def issue_cookie(auth: stauth.Authenticate, username: str, sid: str, now: float) -> str:
    """(Re-)issue the sign-in cookie, valid for POSTLOAN_IDLE_MINUTES from now; returns the key of the
    component that writes it, whose value turns True once the browser has run it.

    The token is the library's (a JWT with username and exp_date, signed with the cookie key, which its
    get_cookie checks) plus the sign-in id. The browser is told the expiry as an age in seconds and as an
    instant in UTC: the library's set_cookie sends the server's naive local time, which a browser in
    another time zone reads hours off."""
    model = auth.cookie_controller.cookie_model
    seconds = idle_minutes() * 60
    expires = now + seconds
    token = jwt.encode(
        {"username": username, "exp_date": expires, "sid": sid}, model.cookie_key, algorithm="HS256"
    )
    # HttpOnly cannot be set: the library's cookie manager writes the cookie from the page's script
    # (document.cookie). Secure (configurable) and SameSite=Strict can, and are.
    key = f"{COOKIE_COMPONENT_KEY}_{secrets.token_hex(4)}"
    model.cookie_manager.set(
        COOKIE_NAME,
        token,
        key=key,
        expires_at=datetime.fromtimestamp(expires, UTC),
        max_age=seconds,
        secure=cookie_secure(),
        same_site="strict",
    )
    return key


def _start(actor: Actor, sid: str | None = None) -> None:
    """Start the session of a sign-in: a new one (the form), kept on the server, or the cookie's (a reload,
    a new tab)."""
    state = st.session_state
    state.pop(NOTICE, None)
    state[ACTOR_KEY] = actor
    state[LAST_SEEN] = idle.now()
    if sid is None:
        lifetime = timedelta(hours=session_hours())
        sid = sessions.new_session(engine(), actor.username, clock.now(), lifetime, client_address())
    state[SIGN_IN_ID] = sid


def _from_cookie(auth: stauth.Authenticate) -> Actor | None:
    """Sign a new session in from a valid cookie, before anything is drawn and without a rerun, so the
    first run of a reload or a deep link reaches st.navigation signed in and opens the page asked for."""
    state = st.session_state
    token = auth.cookie_controller.get_cookie()  # None once expired: the library checks exp_date
    if not token:
        return None
    try:
        auth.authentication_controller.login(token=token)
    except LoginError:  # a valid cookie naming a user that no longer exists
        _forget_cookie(auth)
        return None
    if not state.get("authentication_status"):
        return None
    with engine().connect() as conn:
        actor = load_actor(conn, state["username"])
    if actor is None:  # disabled since the cookie was set
        auth.logout(location="unrendered")
        state[NOTICE] = "auth.disabled"
        return None
    sid = token.get("sid")
    idle_time = timedelta(minutes=idle_minutes())
    if not isinstance(sid, str) or not sessions.touch(engine(), sid, actor.username, clock.now(), idle_time):
        # Signed out, idle, past its lifetime, or a cookie from before sessions were kept on the server.
        # The library's logout, not only the cookie's deletion: its login(token=...) above has marked the
        # session authenticated, and then its form would never be drawn again (seen in the browser test).
        auth.logout(location="unrendered")
        state[NOTICE] = "auth.session_ended"
        return None
    with engine().begin() as conn:
        log_attempt(conn, actor.username, clock.now(), success=True, client=client_address(), method="cookie")
    _start(actor, sid)
    return actor


def _fields() -> dict[str, str]:
    return {
        "Form name": t("auth.form"),
        "Username": t("auth.username"),
        "Password": t("auth.password"),
        "Login": t("auth.sign_in"),
    }


def _show_outcome(attempt: Attempt | None) -> None:
    if attempt is None or attempt.ok:
        return
    if attempt.outcome == "wait" and attempt.retry_at is not None:
        st.error(t("auth.wait", until=attempt.retry_at.strftime("%H:%M:%S")), icon=":material/hourglass:")
    else:
        st.error(t("auth.wrong"), icon=":material/error:")


def _remember_the_page_asked_for() -> None:
    """The page of the URL a signed-out session was opened at (a deep link), to open it after the sign-in:
    the run that signs in reruns, and a rerun started without st.navigation lands on the default page."""
    path = urlparse(st.context.url or "").path.rstrip("/")
    st.session_state.setdefault(NEXT_PAGE, path.rsplit("/", 1)[-1] if path else "")


def next_page() -> str | None:
    """The url path to open once after signing in (see above), if any."""
    return st.session_state.pop(NEXT_PAGE, None) or None


def sign_in_page(auth: stauth.Authenticate) -> None:
    """The language choice and the sign-in form; on success the session starts and the app reruns."""
    state = st.session_state
    _remember_the_page_asked_for()
    if "lang" not in state and st.query_params.get("lang") in LANGUAGES:
        state["lang"] = st.query_params["lang"]
    with st.sidebar:
        st.selectbox("语言 / Language", list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="lang")
    st.title(t("auth.title"))
    # Kept until the next sign-in, not popped: deleting the cookie reruns the script, and a popped notice
    # would be gone before the person sees it.
    notice = state.get(NOTICE)
    if notice:
        st.info(t(notice), icon=":material/info:")
    try:
        auth.login(location="main", fields=_fields(), key="auth_login")
    except LoginError:  # the cookie was read again and names a user that no longer exists
        _forget_cookie(auth)
    attempt = state.pop(OUTCOME, None)
    if state.get("authentication_status") and attempt is not None and attempt.ok:
        _start(attempt.actor)
        state[SET_COOKIE] = True
        st.rerun()
    _show_outcome(attempt)
    st.caption(t("auth.hint"))


def _forget_cookie(auth: stauth.Authenticate) -> None:
    auth.cookie_controller.delete_cookie()
    st.session_state["logout"] = True


def sign_out(auth: stauth.Authenticate, notice: str) -> None:
    """End the session: the cookie is deleted and everything the user had in the session is dropped."""
    state = st.session_state
    if state.get(SIGN_IN_ID) is not None:
        sessions.revoke(engine(), state[SIGN_IN_ID], clock.now())  # a copy of the cookie opens nothing now
    if state.get("authentication_status"):
        auth.logout(location="unrendered")
    state["logout"] = True
    for key in list(state.keys()):
        if key not in KEEP:
            del state[key]
    state[NOTICE] = notice


def user_box(auth: stauth.Authenticate, actor: Actor) -> None:
    """Who is signed in, and the sign-out button, in the sidebar. A click signs out and stops the run."""
    with st.sidebar:
        st.caption(
            plain(f"{actor.name or actor.username} ({actor.username}) · {t(f'auth.role.{actor.role}')}")
        )
        clicked = st.button(t("auth.sign_out"), icon=":material/logout:", key="auth_sign_out")
    if clicked:
        sign_out(auth, "auth.signed_out")
        sign_in_page(auth)
        st.stop()
