"""Fixtures for sign-in, roles and scope: the web tests' small book (app_db), people of each role on it,
and fast bcrypt (4 rounds instead of 12) so the many hashes these tests make stay quick."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.actor import Actor
from dashboard.auth import users
from tests.kpi.book import reference
from tests.web.conftest import app_db  # noqa: F401 - a fixture, re-exported for these tests

ADMIN = Actor("admin", "admin", name="Admin")
OFFICER_O1 = Actor("o1", "officer", name="O1", staff_id="O1", branch_id="B11")
OFFICER_O2 = Actor("o2", "officer", name="O2", staff_id="O2", branch_id="B2")
MANAGER_B2 = Actor("m2", "manager", name="M2", branch_id="B2")
MANAGER_B1 = Actor("m1", "manager", name="M1", branch_id="B1")
RISK_B1 = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
COLLECTOR_C1 = Actor("c1", "collector", name="C1", staff_id="C1")
AGENCY_A1 = Actor("a1", "agency", name="甲催收", agency_id="A1")
AUDITOR = Actor("au", "auditor", name="Auditor")


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def people(engine: Engine) -> Engine:
    """Branches HQ > B1 > B11 and HQ > B2, staff O1 O2 O3 C1 R1, agencies A1 A2; no loans, no users."""
    with engine.begin() as conn:
        reference(conn)
    return engine
