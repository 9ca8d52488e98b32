"""Cached calls of the KPI engine: keyed by the function, its arguments and the data version.

Pages call `query(kpi_function, as_of=..., scope=...)` (the KPI functions take keywords after the
connection); the connection is opened here. A write anywhere bumps the data version, so the next run misses
the cache and shows the new data at once.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections import deque
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine, select
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from dashboard import clock
from dashboard.config import Config, load_config
from dashboard.kpi.data_dates import as_of_range, latest_data_date
from db.data_version import data_version
from db.engine import make_engine, parallel_workers, statement_timeout
from db.migrate import ensure_schema
from db.models import Branch, Channel, Product, Staff

T = TypeVar("T")


@st.cache_resource
def engine() -> Engine:
    # Every statement a page runs is bounded: a query left running after the browser has gone stops.
    eng = make_engine(statement_timeout=statement_timeout())
    ensure_schema(eng)
    return eng


def version() -> int:
    with engine().connect() as conn:
        return data_version(conn)


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _run(function: str, data: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    module, name = function.rsplit(".", 1)
    kpi = getattr(importlib.import_module(module), name)
    with engine().connect() as conn:
        return kpi(conn, *args, **dict(kwargs))


# Session-state key of what prefetch() fetched for the page's own query() calls: each is handed over once,
# instead of being read from the cache a second time (a copy per read, which on a large book is much of a
# warm page's time).
PREFETCHED = "_prefetched"


def _key(
    kpi: Callable[..., Any], data: int, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    return (f"{kpi.__module__}.{kpi.__qualname__}", data, args, tuple(sorted(kwargs.items())))


def query(kpi: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """kpi(conn, *args, **kwargs), cached until the data changes."""
    key = _key(kpi, version(), args, kwargs)
    fetched = st.session_state.get(PREFETCHED) or {}
    with contextlib.suppress(KeyError, TypeError):  # not fetched, or arguments (a list) that cannot be a key
        return fetched.pop(key)  # same data version: the same figures the cache holds
    return _run(*key)


def prefetch(*calls: partial[Any]) -> None:
    """Fill the cache for several query() calls at once, on a thread per core, each call with its own
    connection; the page then calls query() as usual and is handed the results. The database serves them side
    by side (SQLite readers run concurrently under WAL and sqlite3 lets go of the GIL while a statement
    runs), so a page whose figures need several independent heavy queries waits for the slowest, not for
    their sum. A failing call is left to the page's own query(), which raises it where it is shown."""

    data = version()
    fetched: dict[tuple[Any, ...], Any] = {}

    def fill(call: partial[Any]) -> None:
        key = _key(call.func, data, call.args, call.keywords)
        # An error is raised again, in place, by the page's own call.
        with contextlib.suppress(Exception):
            fetched[key] = _run(*key)

    pending = deque(calls)  # popleft is thread-safe; the calls start in the order given, heaviest first

    def work() -> None:
        while pending:
            with contextlib.suppress(IndexError):  # another thread took the last one
                fill(pending.popleft())

    ctx = get_script_run_ctx()
    # As many threads as cores: more only contend for the GIL while each compiles and reads its results.
    # Nor more than the pool has connections for: a thread per core on a many-core host waited on the pool.
    workers = parallel_workers(engine(), len(calls))
    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        add_script_run_ctx(thread, ctx)  # st.cache_data belongs to the session's script run
        thread.start()
    for thread in threads:
        thread.join()
    st.session_state[PREFETCHED] = fetched


@st.cache_data(ttl=3600, show_spinner=False)
def _config(data: int) -> Config:
    return load_config(engine())


def config() -> Config:
    return _config(version())


@st.cache_data(ttl=3600, show_spinner=False)
def _latest(data: int) -> date | None:
    with engine().connect() as conn:
        return latest_data_date(conn)


def data_date() -> date | None:
    """The data date (dashboard.kpi.data_dates): through it the repayments are loaded; None without data."""
    return _latest(version())


@st.cache_data(ttl=3600, show_spinner=False)
def _range(data: int, today: date) -> tuple[date, date] | None:
    with engine().connect() as conn:
        return as_of_range(conn, today=today)


def as_of_bounds() -> tuple[date, date] | None:
    """The as-of dates the filters accept (dashboard.kpi.data_dates.as_of_range); None without loans."""
    return _range(version(), clock.today())


def latest_date() -> date:
    """The default as-of date: the data date, or today in an empty database."""
    return data_date() or clock.today()


@st.cache_data(ttl=3600, show_spinner=False)
def _choices(data: int) -> dict[str, dict[str, str]]:
    """id -> display name for each filter, branches in tree order with their depth shown."""
    with engine().connect() as conn:
        branches = conn.execute(select(Branch.branch_id, Branch.name, Branch.parent_id)).all()
        children: dict[str | None, list[tuple[str, str]]] = {}
        for branch_id, name, parent in branches:
            children.setdefault(parent, []).append((branch_id, name))
        ordered: dict[str, str] = {}

        def walk(parent: str | None, depth: int) -> None:
            for branch_id, name in sorted(children.get(parent, [])):
                ordered[branch_id] = "\u2003" * depth + name
                walk(branch_id, depth + 1)

        walk(None, 0)
        return {
            "branch": ordered,
            "product": dict(
                conn.execute(select(Product.product_id, Product.name).order_by(Product.product_id)).all()
            ),
            "channel": dict(
                conn.execute(select(Channel.channel_id, Channel.name).order_by(Channel.channel_id)).all()
            ),
            "officer": {
                staff_id: f"{name} ({staff_id})"
                for staff_id, name in conn.execute(
                    select(Staff.staff_id, Staff.name)
                    .where(Staff.role == "account_officer")
                    .order_by(Staff.staff_id)
                ).all()
            },
        }


def choices() -> dict[str, dict[str, str]]:
    return _choices(version())
