"""The one engine factory. DATABASE_URL picks the database; the default is SQLite under data/."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.pool import QueuePool

from db.sqlfuncs import register_sqlite_functions

DEFAULT_SQLITE_PATH = Path("data") / "postloan.db"
DEFAULT_STATEMENT_TIMEOUT = 120  # seconds; the dashboard's slowest page query takes a few
# SQLite calls the progress handler every this many virtual-machine instructions (a fraction of a ms).
SQLITE_PROGRESS_STEPS = 10_000
DEFAULT_POOL_SIZE = 15  # SQLAlchemy's default: 5 kept open and 10 more when busy
PERSISTENT_CONNECTIONS = 5
# Connections a side-by-side job (a refresh, a page's prefetch) leaves to the rest of the process: the
# caller's own connection and another session's read, which would otherwise wait behind the job's workers.
POOL_MARGIN = 2


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver (or none) the URL names."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def pool_size() -> int:
    """POSTLOAN_POOL_SIZE: the most connections one process opens to the database at once."""
    raw = os.environ.get("POSTLOAN_POOL_SIZE", "").strip()
    if not raw:
        return DEFAULT_POOL_SIZE
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"POSTLOAN_POOL_SIZE: {raw!r} is not a whole number of connections of 1 or more")
    return int(raw)


def statement_timeout() -> float:
    """POSTLOAN_STATEMENT_TIMEOUT: seconds a dashboard statement may run (0: no limit)."""
    raw = os.environ.get("POSTLOAN_STATEMENT_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_STATEMENT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1
    if not 0 <= seconds <= 86_400:
        raise SystemExit(f"POSTLOAN_STATEMENT_TIMEOUT: {raw!r} is not a number of seconds from 0 to 86400")
    return seconds


def _pool_arguments() -> dict[str, int]:
    size = pool_size()
    kept = min(PERSISTENT_CONNECTIONS, size)
    return {"pool_size": kept, "max_overflow": size - kept}


def connection_limit(engine: Engine) -> int | None:
    """The most connections the engine's pool hands out at once; None when it sets no limit."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    overflow = getattr(pool, "_max_overflow", 0)  # SQLAlchemy offers no public reader for it
    return None if overflow < 0 else pool.size() + overflow


def parallel_workers(engine: Engine, tasks: int) -> int:
    """How many threads to run `tasks` on, each holding one of the engine's connections: no more than the
    cores, nor than the pool's connections less POOL_MARGIN, so that no thread waits on the pool (its
    30 s timeout raises "QueuePool limit reached" when the other threads' statements take longer)."""
    bound = min(tasks, os.cpu_count() or 1)
    limit = connection_limit(engine)
    if limit is not None:
        bound = min(bound, limit - POOL_MARGIN)
    return max(1, bound)


class NulInText(ValueError):
    """A text parameter holding a NUL character: PostgreSQL cannot store one (the driver raises with the
    statement), SQLite would, and every form refuses it before it gets here."""


def _refuse_nul(_conn, _cursor, _statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
    rows = parameters if executemany else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise NulInText("a text value contains a NUL character")


def make_engine(url: str | None = None, *, statement_timeout: float = 0) -> Engine:
    """The engine for DATABASE_URL (or url). statement_timeout > 0: every statement is cancelled after that
    many seconds (PostgreSQL's statement_timeout; on SQLite a progress handler interrupts it); the
    dashboard sets it, the CLI's imports and refreshes do not."""
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        pooled: dict[str, int] = {}
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            pooled = _pool_arguments()  # an in-memory database has one connection per thread, no pool size
        engine = create_engine(url, connect_args={"timeout": 30}, **pooled)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "before_cursor_execute", _refuse_nul)
        if statement_timeout > 0:
            _sqlite_timeout(engine, statement_timeout)
        return engine
    # JIT compilation costs more per statement on the dashboard's large aggregates than it ever pays back.
    # The default random page cost (4, for spinning disks) had the planner scan the whole snapshot table
    # rather than look up a month's rows by key; 1.1 is the usual SSD setting (figures: bench/RESULTS.md).
    given = make_url(url).query.get("options", "")
    ours = "-c jit=off -c random_page_cost=1.1"
    if statement_timeout > 0:
        ours += f" -c statement_timeout={int(statement_timeout * 1000)}"
    options = " ".join([*(given if isinstance(given, tuple) else [given]), ours]).strip()
    engine = create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **_pool_arguments())
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


_STARTED = "statement_started"


def _sqlite_timeout(engine: Engine, seconds: float) -> None:
    """Interrupt a statement (and the reading of its rows) running longer than `seconds`: SQLite raises
    OperationalError "interrupted". The start is stamped on the connection before each statement."""

    def connect(dbapi_connection: Any, record: Any) -> None:
        info = record.info

        def too_long() -> int:
            started = info.get(_STARTED)
            return int(started is not None and time.monotonic() - started > seconds)

        dbapi_connection.set_progress_handler(too_long, SQLITE_PROGRESS_STEPS)

    def stamp(conn: Any, *_: Any) -> None:
        conn.info[_STARTED] = time.monotonic()

    event.listen(engine, "connect", connect)
    event.listen(engine, "before_cursor_execute", stamp)


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)
