"""The web tests' small book (app_db) for the security tests, and fast bcrypt."""

from __future__ import annotations

import pytest

from dashboard.auth import users
from tests.web.conftest import app_db  # noqa: F401 - a fixture, re-exported for these tests


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
