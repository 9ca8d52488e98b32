"""A refresh side by side on a many-core host stays within the connection pool (POSTLOAN_POOL_SIZE): a
worker per core over a 15-connection pool waited on it, and raised "QueuePool limit reached" after 30 s."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from dashboard.kpi import snapshots
from dashboard.kpi.snapshots import default_dates, refresh_side_by_side
from db.data_version import bump_data_version
from db.engine import DEFAULT_POOL_SIZE, POOL_MARGIN, connection_limit, make_engine, parallel_workers
from db.models import LoanStateSnapshot
from seed import generate, write_to_database
from tests.conftest import url_of

AS_OF = date(2026, 10, 31)
DATES = default_dates(AS_OF)  # 19 dates: more than the pool below has connections
CORES = 32


@pytest.fixture
def many_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: CORES)


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("POSTLOAN_POOL_SIZE", "5")
    return 5


def test_the_pool_is_sized_from_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sqlite_url, pg_url = f"sqlite:///{tmp_path / 'a.db'}", "postgresql://nobody@127.0.0.1:1/none"
    monkeypatch.delenv("POSTLOAN_POOL_SIZE", raising=False)
    assert connection_limit(make_engine(sqlite_url)) == DEFAULT_POOL_SIZE == 15
    for size in ("3", "40"):
        monkeypatch.setenv("POSTLOAN_POOL_SIZE", size)
        assert connection_limit(make_engine(sqlite_url)) == int(size)
        assert connection_limit(make_engine(pg_url)) == int(size)  # no connection is opened to build it


@pytest.mark.parametrize("raw", ["0", "-4", "ten", "2.5"])
def test_a_bad_pool_size_says_what_is_wrong(monkeypatch: pytest.MonkeyPatch, tmp_path, raw: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("POSTLOAN_POOL_SIZE", raw)
    with pytest.raises(SystemExit, match=f"POSTLOAN_POOL_SIZE: '{raw}' is not a whole number"):
        make_engine(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.parametrize(
    ("pool", "tasks", "expected"),
    [(None, 19, 13), ("5", 19, 3), ("40", 19, 19), ("40", 50, 32), ("2", 19, 1), ("15", 4, 4)],
)
def test_workers_on_32_cores_never_exceed_the_pool_less_its_margin(
    monkeypatch: pytest.MonkeyPatch,
    many_cores: None,
    tmp_path,
    pool: str | None,
    tasks: int,
    expected: int,  # type: ignore[no-untyped-def]
) -> None:
    if pool is None:
        monkeypatch.delenv("POSTLOAN_POOL_SIZE", raising=False)
    else:
        monkeypatch.setenv("POSTLOAN_POOL_SIZE", pool)
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    assert parallel_workers(engine, tasks) == expected


@pytest.fixture
def stale_book(engine: Engine) -> Iterator[Engine]:
    write_to_database(engine, generate(n_loans=150, seed=11, as_of=AS_OF))
    with engine.begin() as conn:
        bump_data_version(conn)
    yield engine


def test_a_refresh_on_32_cores_runs_within_the_pool_and_completes(
    stale_book: Engine, many_cores: None, small_pool: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(url_of(stale_book))  # the same database, with the pool of POSTLOAN_POOL_SIZE
    threads: set[int] = set()
    held, peak = 0, 0
    lock = threading.Lock()

    def checkout(*_: Any) -> None:
        nonlocal held, peak
        with lock:
            held += 1
            peak = max(peak, held)

    def checkin(*_: Any) -> None:
        nonlocal held
        with lock:
            held -= 1

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine.pool, "checkin", checkin)
    build = snapshots.refresh

    def recorded(*args: Any, **kwargs: Any) -> int:
        with lock:
            threads.add(threading.get_ident())
        return build(*args, **kwargs)

    monkeypatch.setattr(snapshots, "refresh", recorded)
    try:
        rows = refresh_side_by_side(engine, dates=DATES)
        with engine.connect() as conn:
            stored = conn.execute(
                select(func.count(func.distinct(LoanStateSnapshot.as_of)), func.count()).select_from(
                    LoanStateSnapshot
                )
            ).one()
    finally:
        engine.dispose()
    assert len(threads) <= small_pool - POOL_MARGIN
    assert peak <= small_pool
    assert tuple(stored) == (len(DATES), rows)
    if stale_book.dialect.name == "postgresql":
        assert len(threads) == small_pool - POOL_MARGIN  # side by side still, as many as the pool allows
