"""Fixtures: a fresh, migrated database for every test, on SQLite and PostgreSQL.

The migrations run once per session (per pytest-xdist worker) into a template; each test gets a copy:
SQLite copies the template file, PostgreSQL creates a database from the template database
(CREATE DATABASE ... TEMPLATE) on a background thread, one test ahead, and drops it behind.
PostgreSQL comes from POSTLOAN_TEST_PG_URL; without a reachable server those tests skip with the reason,
except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from db import migrate
from db.engine import make_engine, normalise_url
from db.migrate import upgrade

# Business dates must not depend on the server's zone: run every test process in UTC, far from the
# lender's Asia/Shanghai, so a bare date.today() shows up as a failing test around midnight.
os.environ["TZ"] = "UTC"
time.tzset()

PG_URL = os.environ.get("POSTLOAN_TEST_PG_URL")

# The head of the migration scripts, read once per process: the app's engine() checks every new database
# against it (ensure_schema), and Alembic reads and compiles every script to find it. A server does that once;
# the tests, with a new database and cleared caches in each, would do it in every test.
_read_head_revision = migrate.head_revision
_head: list[str | None] = []


def _head_revision(engine: Engine) -> str | None:
    if not _head:
        _head.append(_read_head_revision(engine))
    return _head[0]


migrate.head_revision = _head_revision


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


def _build_pg_template(admin: Engine) -> str:
    """The migrated template database of this session and worker."""
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
    return name


class _Databases:
    """Copies of the template made ahead of the tests and dropped behind them, each on a thread of its own.

    A DROP DATABASE mostly waits (for the backends of the test's closed connections to exit, for every
    backend to release its files) and a copy takes as long as a small test: run in the background, the
    tests do not wait for either. Every test still gets a database no other test has touched."""

    AHEAD = 2
    # A drop waits far longer than the server works on it: several at once keep up with the tests.
    DROPPERS = 8

    def __init__(self, template: str) -> None:
        self.template = template
        self._ready: list[str] = []
        self._used: list[str] = []
        self._closing = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()
        self._threads = [threading.Thread(target=self._copy, name="pltest-copy", daemon=True)]
        self._threads += [
            threading.Thread(target=self._drop, name=f"pltest-drop-{n}", daemon=True)
            for n in range(self.DROPPERS)
        ]
        for thread in self._threads:
            thread.start()

    def take(self) -> str:
        with self._changed:
            self._changed.wait_for(lambda: self._ready or self._error is not None)
            if not self._ready:
                raise RuntimeError("could not copy the template database") from self._error
            name = self._ready.pop(0)
            self._changed.notify_all()
            return name

    def give_back(self, name: str) -> None:
        with self._changed:
            self._used.append(name)
            self._changed.notify_all()

    def close(self) -> None:
        """Drop every copy (made ahead, or used and not yet dropped), then the template."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._threads[0].join()
        with self._changed:
            self._used.extend(self._ready)
            self._ready.clear()
            self._changed.notify_all()
        for thread in self._threads[1:]:
            thread.join()
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        admin.dispose()

    def _copy(self) -> None:
        admin = _pg_admin()
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._closing or len(self._ready) < self.AHEAD)
                    if self._closing:
                        return
                name = f"{PG_PREFIX}_{_worker()}_{os.getpid()}_{uuid.uuid4().hex[:12]}"
                try:
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
                        # A commit then returns without waiting for the WAL to reach the disk; what other
                        # sessions see is the same. A crash could lose the last commits of a database that
                        # is dropped anyway.
                        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
                except Exception as exc:  # the tests waiting for a copy fail with it
                    with self._changed:
                        self._error = exc
                        self._changed.notify_all()
                    return
                with self._changed:
                    self._ready.append(name)
                    self._changed.notify_all()
        finally:
            admin.dispose()

    def _drop(self) -> None:
        admin = _pg_admin()
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(
                        lambda: self._used or (self._closing and not self._threads[0].is_alive())
                    )
                    if not self._used:
                        return
                    name = self._used.pop(0)
                try:
                    with admin.connect() as conn:
                        # FORCE: a subprocess the test started (the CLI, the app) may still be connected.
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                except Exception:
                    pass  # the next run's _drop_leftovers drops it (this process is gone by then)
        finally:
            admin.dispose()


_databases: _Databases | None = None


def _pg_databases() -> _Databases:
    """This session's copies of its template, the template built on first use."""
    global _databases
    if _databases is None:
        admin = _pg_admin()
        _databases = _Databases(_build_pg_template(admin))
        admin.dispose()
    return _databases


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _databases is not None:
        _databases.close()


def _pg_database_engine() -> Iterator[Engine]:
    """A database of its own, copied from the migrated template, dropped afterwards.

    Its name is in the engine's URL, so a CLI or app started from engine.url lands in it too."""
    _skip_or_fail_pg()
    databases = _pg_databases()
    name = databases.take()
    engine = make_engine(_pg_url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        databases.give_back(name)


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


# Rough seconds a test takes, by kind, for ordering the files (measured on this suite, 2 cores).
_BROWSER_COST = 40.0  # a real browser: every page of a role, each page load a second or more
_APPTEST_COST = 0.6  # Streamlit AppTest: a few script runs of a page
_COST = 0.1
_POSTGRES_COST = 0.1  # a copy of the template database, on top


def _cost(item: pytest.Item, browser: Path) -> float:
    if browser in Path(item.path).parents:
        return _BROWSER_COST
    module = getattr(item, "module", None)
    apptest = module is not None and any(name in vars(module) for name in ("app", "AppTest"))
    cost = _APPTEST_COST if apptest and "engine" in getattr(item, "fixturenames", ()) else _COST
    return cost + (_POSTGRES_COST if "[postgresql" in item.nodeid else 0.0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser `browser` (make test-fast leaves them out), and put the files
    that take longest first, keeping each file's own order.

    With `--dist loadfile --no-loadscope-reorder` (the Makefile's), pytest-xdist hands the files out in this
    order: the longest start at once and the short ones fill the end, so the workers finish together
    (by default it orders files by their number of tests, which put the few slow browser tests last)."""
    browser = Path(__file__).parent / "browser"
    costs: dict[Path, float] = {}
    for item in items:
        if browser in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        costs[Path(item.path)] = costs.get(Path(item.path), 0.0) + _cost(item, browser)
    items.sort(key=lambda item: -costs[Path(item.path)])  # stable: a file's tests keep their order


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)
