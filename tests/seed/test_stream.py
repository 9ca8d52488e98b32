"""`postloan seed` streams the portfolio chunk by chunk: the database must end up with generate()'s rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from dashboard.cli import main
from db.models import Base
from seed import TABLES, generate, iter_chunks, stream_to_database
from seed.npl import ADDED_TABLES
from seed.sink import Tables
from tests.conftest import _pg_schema_engine, url_of
from tests.seed.conftest import AS_OF


def _value(v: object) -> str:
    # The database may hand back 1.5 for 1.50: compare amounts by value, not by how they were written.
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return repr(v)


def _digest(rows: list[tuple]) -> str:
    lines = sorted("|".join(_value(v) for v in row) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _database_digests(engine: Engine, generated: Tables) -> dict[str, tuple[int, str]]:
    with engine.connect() as conn:
        out = {}
        for name in TABLES:
            table = Base.metadata.tables[name]
            columns = list(generated[name][0]) if generated[name] else [c.name for c in table.columns]
            rows = [tuple(r) for r in conn.execute(select(*(table.c[c] for c in columns)))]
            out[name] = (len(rows), _digest(rows))
    return out


def _generated_digests(tables: Tables) -> dict[str, tuple[int, str]]:
    return {name: (len(rows), _digest([tuple(r.values()) for r in rows])) for name, rows in tables.items()}


def test_seed_command_streams_exactly_the_generated_rows(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Small chunks, so the 300 loans arrive in several pieces, and customers of earlier chunks come back.
    monkeypatch.setattr("seed.portfolio.SEED_CHUNK_LOANS", 40)
    monkeypatch.setenv("DATABASE_URL", url_of(sqlite_engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    assert main(["seed", "--loans", "300", "--seed", "9", "--as-of", AS_OF.isoformat()]) == 0
    assert "seeded 300 loans" in capsys.readouterr().out
    assert len(list(iter_chunks(300, 9, AS_OF, 40))) > 5

    expected = generate(n_loans=300, seed=9, as_of=AS_OF)
    assert all(expected[name] for name in ("loans", "schedule", "repayments", "collection_actions"))
    # seed.npl adds the demo's legal cases and restructurings to the loaded book (tests/seed/test_npl.py).
    loaded = _database_digests(sqlite_engine, expected)
    assert all(loaded[name][0] > 0 and not expected[name] for name in ADDED_TABLES)
    generated = _generated_digests(expected)
    assert {k: v for k, v in loaded.items() if k not in ADDED_TABLES} == {
        k: v for k, v in generated.items() if k not in ADDED_TABLES
    }


def test_seed_out_streams_the_same_extract_as_write_extract(tmp_path: Path) -> None:
    from seed import write_extract

    write_extract(generate(n_loans=120, seed=4, as_of=AS_OF), tmp_path / "whole")
    assert (
        main(
            [
                "seed",
                "--loans",
                "120",
                "--seed",
                "4",
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                str(tmp_path / "s"),
            ]
        )
        == 0
    )
    whole = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert whole == sorted(p.name for p in (tmp_path / "s").iterdir())
    for name in whole:
        assert (tmp_path / "s" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    yield from _pg_schema_engine()


def _schema_objects(engine: Engine) -> list[tuple[str, str]]:
    """Every index and constraint definition of the seeded tables on PostgreSQL."""
    with engine.connect() as conn:
        indexes = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = ANY(:t) AND schemaname = current_schema()"
            ),
            {"t": list(TABLES)},
        ).all()
        constraints = conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(CAST(:t AS regclass[]))"
            ),
            {"t": list(TABLES)},
        ).all()
    return sorted((str(a), str(b)) for a, b in [*indexes, *constraints])


@pytest.mark.postgres
def test_bulk_load_on_postgres_puts_back_every_index_and_key(pg_engine: Engine) -> None:
    before = _schema_objects(pg_engine)
    assert any("FOREIGN KEY" in d for _, d in before) and any("INDEX" in d for _, d in before)
    counts = stream_to_database(pg_engine, iter_chunks(150, 3, AS_OF, 30))
    assert _schema_objects(pg_engine) == before
    expected = generate(n_loans=150, seed=3, as_of=AS_OF)
    assert counts == {name: len(rows) for name, rows in expected.items()}
    assert _database_digests(pg_engine, expected) == _generated_digests(expected)


@pytest.mark.postgres
def test_a_failed_load_on_postgres_leaves_nothing_behind(pg_engine: Engine) -> None:
    before = _schema_objects(pg_engine)

    def chunks() -> Iterator[Tables]:
        yield from iter_chunks(100, 3, AS_OF, 30)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        stream_to_database(pg_engine, chunks())
    assert _schema_objects(pg_engine) == before
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM loans")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM branches")).scalar_one() == 0


def test_replace_empties_the_database_first(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    assert main(["seed", "--loans", "60", "--seed", "2", "--as-of", AS_OF.isoformat()]) == 0
    assert main(["seed", "--loans", "40", "--seed", "5", "--as-of", AS_OF.isoformat(), "--replace"]) == 0
    expected = generate(n_loans=40, seed=5, as_of=AS_OF)
    loaded, generated = _database_digests(engine, expected), _generated_digests(expected)
    for name in ADDED_TABLES:  # seed.npl's rows of the new portfolio
        del loaded[name], generated[name]
    assert loaded == generated
    with engine.connect() as conn:
        users = conn.execute(text("SELECT count(*) FROM users")).scalar_one()
    assert users == 8  # the demo users of the new portfolio (asset preservation among them), not two sets
