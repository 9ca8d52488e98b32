"""dashboard/auth/signin.py replaces an internal of streamlit-authenticator: the instance attribute
`authentication_controller.authentication_model.check_credentials(username, password)`, which the library's
login calls to check a password. If a release moves or renames it, sign-in would quietly go back to the
library's own check (which knows no password: every one would be refused) or skip ours. These tests fail
first, and say so; pyproject.toml bounds the version until they pass on a new one."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from streamlit.testing.v1 import AppTest

from dashboard.auth.signin import NO_PASSWORD

CHANGED = (
    f"streamlit-authenticator {version('streamlit-authenticator')} changed the internal that "
    "dashboard/auth/signin.py replaces (authentication_controller.authentication_model.check_credentials): "
    "update authenticator() there, then the upper bound in pyproject.toml"
)


def _login_through_a_replaced_check() -> None:
    import streamlit as st
    import streamlit_authenticator as stauth

    credentials = {"usernames": {"wang": {"name": "Wang", "password": st.session_state["no_password"]}}}
    auth = stauth.Authenticate(credentials, "shape_cookie", "k" * 32, 1, auto_hash=False, login_sleep_time=0)
    model = auth.authentication_controller.authentication_model
    seen = []

    def check(username: str, password: str) -> bool:
        seen.append((username, password))
        return password == "right one"

    model.check_credentials = check
    auth.authentication_controller.login("wang", "wrong one")
    st.session_state["after_wrong"] = st.session_state.get("authentication_status")
    auth.authentication_controller.login("wang", "right one")
    st.session_state["after_right"] = st.session_state.get("authentication_status")
    st.session_state["seen"] = seen


def test_check_credentials_is_the_method_signin_replaces() -> None:
    from streamlit_authenticator.models.authentication_model import AuthenticationModel

    method = getattr(AuthenticationModel, "check_credentials", None)
    assert callable(method), CHANGED
    assert list(inspect.signature(method).parameters) == ["self", "username", "password"], CHANGED


def test_the_library_login_asks_the_replaced_check_and_obeys_it() -> None:
    at = AppTest.from_function(_login_through_a_replaced_check, default_timeout=30)
    at.session_state["no_password"] = NO_PASSWORD
    at.run()
    assert not at.exception, f"{CHANGED}: {at.exception}"
    assert at.session_state["seen"] == [("wang", "wrong one"), ("wang", "right one")], CHANGED
    assert not at.session_state["after_wrong"], CHANGED
    assert at.session_state["after_right"] is True, CHANGED
