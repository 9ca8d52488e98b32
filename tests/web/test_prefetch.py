"""dashboard.ui.data.prefetch: every call's result is in the cache afterwards, on no more threads than
cores, and a failing call neither stops the others nor is hidden from the page's own query()."""

from __future__ import annotations

import os
import threading
from functools import partial

import pytest
from sqlalchemy import Connection, Engine

from dashboard.ui.data import prefetch, query

CALLS: list[tuple[int, str]] = []


def record(conn: Connection, n: int) -> int:
    CALLS.append((n, threading.current_thread().name))
    if n == 3:
        raise ValueError("three")
    return conn.exec_driver_sql(f"SELECT {n} * 10").scalar_one()


def test_prefetch_fills_the_cache_on_a_thread_per_core(app_db: Engine) -> None:
    CALLS.clear()
    prefetch(*(partial(record, n) for n in range(8)))
    assert sorted(n for n, _ in CALLS) == list(range(8))
    assert len({thread for _, thread in CALLS}) <= (os.cpu_count() or 2)
    assert threading.current_thread().name not in {thread for _, thread in CALLS}
    CALLS.clear()
    assert [query(record, n) for n in (0, 5, 7)] == [0, 50, 70]
    assert CALLS == []  # read from the cache
    with pytest.raises(ValueError, match="three"):
        query(record, 3)
