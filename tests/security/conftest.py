"""The web tests' small book (app_db) for the security tests, and fast bcrypt."""

from __future__ import annotations

import bcrypt
import pytest

from dashboard.auth import login, users
from tests.web.conftest import app_db  # noqa: F401 - a fixture, re-exported for these tests

_FAST_DUMMY = bcrypt.hashpw(b"not a password of anyone", bcrypt.gensalt(4)).decode()


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(login, "_DUMMY_HASH", _FAST_DUMMY)  # the sign-in's stand-in check, as fast
