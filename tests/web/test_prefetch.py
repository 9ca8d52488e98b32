"""dashboard.ui.data.prefetch: every call's result is in the cache afterwards, on no more threads than
cores, and a failing call neither stops the others nor is hidden from the page's own query()."""

from __future__ import annotations

import os
import threading
from functools import partial

import pytest
from sqlalchemy import Connection, Engine

from dashboard.ui.data import prefetch, query
from db.data_version import bump_data_version
from db.engine import POOL_MARGIN

CALLS: list[tuple[int, str]] = []


def record(conn: Connection, n: int, extra: list[int] | None = None) -> int:
    CALLS.append((n, threading.current_thread().name))
    if n == 3:
        raise ValueError("three")
    return conn.exec_driver_sql(f"SELECT {n} * 10").scalar_one() + sum(extra or [])


def test_prefetch_fills_the_cache_on_a_thread_per_core(app_db: Engine) -> None:
    CALLS.clear()
    prefetch(*(partial(record, n) for n in range(8)))
    assert sorted(n for n, _ in CALLS) == list(range(8))
    assert len({thread for _, thread in CALLS}) <= (os.cpu_count() or 2)
    assert threading.current_thread().name not in {thread for _, thread in CALLS}
    CALLS.clear()
    assert [query(record, n) for n in (0, 5, 7)] == [0, 50, 70]
    assert query(record, 0) == 0  # handed over once, then read from the cache
    assert CALLS == []
    with pytest.raises(ValueError, match="three"):
        query(record, 3)


def test_on_32_cores_prefetch_runs_no_more_threads_than_the_pool_allows(
    app_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread per core on a many-core host waited on the connection pool (POSTLOAN_POOL_SIZE)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    monkeypatch.setenv("POSTLOAN_POOL_SIZE", "5")
    CALLS.clear()
    prefetch(*(partial(record, n) for n in range(8)))
    assert sorted(n for n, _ in CALLS) == list(range(8))
    assert len({thread for _, thread in CALLS}) <= 5 - POOL_MARGIN


def test_a_write_after_the_prefetch_is_seen_by_the_page(app_db: Engine) -> None:
    CALLS.clear()
    prefetch(partial(record, 4))
    with app_db.begin() as conn:
        bump_data_version(conn)
    CALLS.clear()
    assert query(record, 4) == 40
    assert [n for n, _ in CALLS] == [4]  # computed again for the new data version


def test_arguments_that_cannot_be_a_key_are_read_from_the_cache(app_db: Engine) -> None:
    prefetch(partial(record, 6, [1, 2]))
    CALLS.clear()
    assert query(record, 6, [1, 2]) == 63
    assert CALLS == []
