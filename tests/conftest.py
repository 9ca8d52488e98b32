"""Fixtures: a fresh, migrated database for every test, on SQLite and PostgreSQL.

The migrations run once per session (per pytest-xdist worker) into a template; each test gets a copy:
SQLite copies the template file, PostgreSQL creates a database from the template database
(CREATE DATABASE ... TEMPLATE). PostgreSQL comes from POSTLOAN_TEST_PG_URL; without a reachable server
those tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from db.engine import make_engine, normalise_url
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


# Every name this suite gives a PostgreSQL database starts with this, then the worker and the process id,
# so parallel workers and other test runs on the same server never collide, and a crashed run's
# leftovers can be told apart from a live run's.
PG_PREFIX = "pltest"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


_sqlite_template: Path | None = None


def _sqlite_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated SQLite file of this session (per worker: each has its own base temp directory)."""
    global _sqlite_template
    if _sqlite_template is None:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()  # the last connection's close checkpoints the WAL into the file: one file to copy
        assert not path.with_name(path.name + "-wal").exists()
        _sqlite_template = path
    return _sqlite_template


def _sqlite_engine(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    target = tmp_path / "test.db"
    shutil.copyfile(_sqlite_template_file(tmp_path_factory), target)
    return make_engine(f"sqlite:///{target}")


@pytest.fixture
def sqlite_engine(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = _sqlite_engine(tmp_path, tmp_path_factory)
    yield engine
    engine.dispose()


def _pg_admin() -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")


def _pg_url(database: str) -> str:
    return make_url(normalise_url(PG_URL or "")).set(database=database).render_as_string(hide_password=False)


def _drop_leftovers(admin: Engine) -> None:
    """Drop the databases of test runs that died before cleaning up (their process is gone)."""
    with admin.connect() as conn:
        names = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": f"{PG_PREFIX}\\_%"}
        ).scalars()
        for name in list(names):
            parts = name.split("_")
            if len(parts) < 4 or not parts[2].isdigit() or _alive(int(parts[2])):
                continue
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_pg_template: str | None = None


def _pg_template_database(admin: Engine) -> str:
    """The migrated template database of this session and worker, built on first use."""
    global _pg_template
    if _pg_template is None:
        _drop_leftovers(admin)
        name = f"{PG_PREFIX}_{_worker()}_{os.getpid()}_template"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(_pg_url(name))
        try:
            upgrade(engine)
        finally:
            engine.dispose()  # a template with a connection open cannot be copied
        _pg_template = name
    return _pg_template


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _pg_template is not None:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{_pg_template}" WITH (FORCE)'))
        admin.dispose()


def _pg_database_engine() -> Iterator[Engine]:
    """A database of its own, copied from the migrated template, dropped afterwards.

    Its name is in the engine's URL, so a CLI or app started from engine.url lands in it too."""
    _skip_or_fail_pg()
    admin = _pg_admin()
    template = _pg_template_database(admin)
    name = f"{PG_PREFIX}_{_worker()}_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine = make_engine(_pg_url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        # FORCE: a subprocess a test started (the CLI, the app) may still hold a connection.
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The old name, from when each test had a schema of its own; tests import it.
_pg_schema_engine = _pg_database_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A fresh, migrated database; every test using it runs once per backend."""
    if request.param == "sqlite":
        eng = _sqlite_engine(tmp_path, tmp_path_factory)
        yield eng
        eng.dispose()
    else:
        yield from _pg_database_engine()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser `browser`: make test-fast leaves them out."""
    browser = Path(__file__).parent / "browser"
    for item in items:
        if browser in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)
