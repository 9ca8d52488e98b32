"""The one engine factory. DATABASE_URL picks the database; the default is SQLite under data/."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url

from db.sqlfuncs import register_sqlite_functions

DEFAULT_SQLITE_PATH = Path("data") / "postloan.db"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver (or none) the URL names."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    # JIT compilation costs more per statement on the dashboard's large aggregates than it ever pays back.
    # The default random page cost (4, for spinning disks) had the planner scan the whole snapshot table
    # rather than look up a month's rows by key; 1.1 is the usual SSD setting (figures: bench/RESULTS.md).
    given = make_url(url).query.get("options", "")
    ours = "-c jit=off -c random_page_cost=1.1"
    options = " ".join([*(given if isinstance(given, tuple) else [given]), ours]).strip()
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options})


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)
