"""Without a reachable PostgreSQL the PostgreSQL tests skip with the reason; under CI=true they fail.
With one, each test gets a database of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import _pg_database_engine

ROOT = Path(__file__).parents[1]
ONE_PG_TEST = "tests/test_schema.py::test_ensure_schema_is_idempotent[postgresql]"


def _run(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["POSTLOAN_TEST_PG_URL"] = "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_PG_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("ci", "exit_code", "outcome"), [(False, 0, "1 skipped"), (True, 1, "1 error")])
def test_unreachable_postgres(ci: bool, exit_code: int, outcome: str) -> None:
    result = _run(ci)
    assert result.returncode == exit_code, result.stdout
    assert outcome in result.stdout
    assert "not reachable" in result.stdout


@pytest.mark.postgres
def test_each_postgresql_test_gets_a_copy_of_its_own() -> None:
    """The copies made ahead are distinct, migrated, empty, and commit without waiting for the WAL flush."""
    first, second = _pg_database_engine(), _pg_database_engine()
    engines = [next(first), next(second)]
    try:
        assert engines[0].url.database != engines[1].url.database
        with engines[0].begin() as conn:
            conn.execute(text("INSERT INTO branches (branch_id, name) VALUES ('HQ', 'HQ')"))
        for engine in engines:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
                assert conn.execute(text("SHOW synchronous_commit")).scalar() == "off"
        with engines[1].connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM branches")).scalar() == 0
    finally:
        first.close()
        second.close()
