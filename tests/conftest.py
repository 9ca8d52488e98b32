"""Fixtures: a fresh database built by the migrations for every test, on SQLite and PostgreSQL.

PostgreSQL comes from POSTLOAN_TEST_PG_URL; each test gets its own schema. Without a reachable
server those tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from db.engine import make_engine
from db.migrate import upgrade

# Business dates must not depend on the server's zone: run every test process in UTC, far from the
# lender's Asia/Shanghai, so a bare date.today() shows up as a failing test around midnight.
os.environ["TZ"] = "UTC"
time.tzset()

PG_URL = os.environ.get("POSTLOAN_TEST_PG_URL")


def _pg_unavailable() -> str | None:
    if not PG_URL:
        return "POSTLOAN_TEST_PG_URL is not set"
    try:
        probe = make_engine(PG_URL)
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:
        return f"PostgreSQL at POSTLOAN_TEST_PG_URL is not reachable: {exc.__class__.__name__}"
    return None


_PG_REASON = _pg_unavailable()


def _skip_or_fail_pg() -> None:
    if _PG_REASON:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run under CI: {_PG_REASON}")
        pytest.skip(_PG_REASON)


def _sqlite_engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    return make_engine(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = _sqlite_engine(tmp_path)
    upgrade(engine)
    yield engine
    engine.dispose()


def _pg_schema_engine() -> Iterator[Engine]:
    _skip_or_fail_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    # The schema travels in the URL so a CLI or app started from engine.url lands in it too.
    separator = "&" if "?" in (PG_URL or "") else "?"
    engine = make_engine(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A fresh, migrated database; every test using it runs once per backend."""
    if request.param == "sqlite":
        eng = _sqlite_engine(tmp_path)
        upgrade(eng)
        yield eng
        eng.dispose()
    else:
        yield from _pg_schema_engine()


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)
