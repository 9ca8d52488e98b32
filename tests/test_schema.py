"""The migrations build the schema, and the schema itself refuses what the forms refuse."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, Numeric, column, func, insert, inspect, select, table, text
from sqlalchemy.exc import IntegrityError

from db.data_version import bump_data_version, data_version
from db.engine import make_engine
from db.migrate import current_revision, ensure_schema, head_revision
from db.models import Base, LoanStateSnapshot
from db.sqlfuncs import cents
from tests.conftest import url_of
from tests.kpi.book import loan, reference

SNAPSHOT_COLUMNS = ("as_of", "loan_id", "op_cents", "overdue_cents", "first_due", "override_rank", "active")


def test_migrations_create_every_model_table(engine: Engine) -> None:
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision(engine)


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision(engine)


def _reference_rows(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO branches (branch_id, name) VALUES ('B1', 'HQ')"))
    conn.execute(
        text(
            "INSERT INTO staff (staff_id, name, role, branch_id, joined_on) "
            "VALUES ('S1', 'Li', 'account_officer', 'B1', :d)"
        ),
        {"d": date(2020, 1, 1)},
    )


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO staff (staff_id, name, role, branch_id, joined_on) VALUES ('S2','W','pilot','B1',:d)",
        "INSERT INTO staff (staff_id, name, role, branch_id, joined_on) VALUES ('S2','W','manager','NO',:d)",
        "INSERT INTO products (product_id, name, category, repayment_method) VALUES ('P','x','consumer','x')",
        "INSERT INTO agencies (agency_id, name, commission_rate) VALUES ('A', 'x', 1.5)",
    ],
)
def test_schema_refuses_bad_rows(engine: Engine, sql: str) -> None:
    with engine.begin() as conn:
        _reference_rows(conn)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(sql), {"d": date(2020, 1, 1)})


def test_money_columns_are_numeric_with_two_decimals(engine: Engine) -> None:
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("loans")}
    assert isinstance(columns["principal"], Numeric)
    assert columns["principal"].scale == 2


def test_cents_sums_exactly(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE amounts (x NUMERIC(16, 2))"))
        conn.execute(text("INSERT INTO amounts VALUES (0.1)"))
        conn.execute(text("INSERT INTO amounts VALUES (0.2)"))
        total = conn.execute(select(func.sum(cents(column("x")))).select_from(table("amounts"))).scalar()
    assert total == 30


def test_data_version_goes_up_with_each_bump(engine: Engine) -> None:
    with engine.begin() as conn:
        start = data_version(conn)
        bump_data_version(conn)
        bump_data_version(conn)
    with engine.connect() as conn:
        assert data_version(conn) == start + 2


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sqlite_keeps_the_snapshots_in_key_order_and_their_rows_through_the_migration(
    sqlite_engine: Engine,
) -> None:
    """Migration 0006 rebuilds the table WITHOUT ROWID; its rows, key and cascade survive, both ways."""
    from alembic import command

    from db.migrate import alembic_config

    def table_sql() -> str:
        with sqlite_engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'loan_state_snapshots'"
            ).scalar_one()

    assert table_sql().rstrip().endswith("WITHOUT ROWID")
    config = alembic_config(sqlite_engine)
    command.downgrade(config, "0005")
    assert "WITHOUT ROWID" not in table_sql()
    row = (date(2025, 2, 28), "A", 200000, 0, None, 0, 1)
    with sqlite_engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", [("2025-02-10", "1000", "10")])
        conn.execute(insert(LoanStateSnapshot).values(dict(zip(SNAPSHOT_COLUMNS, row, strict=True))))
    command.upgrade(config, "head")
    assert table_sql().rstrip().endswith("WITHOUT ROWID")
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(*LoanStateSnapshot.__table__.c)).all() == [row]
        names = {row[1] for row in conn.exec_driver_sql("PRAGMA index_list('loan_state_snapshots')")}
        keys = [row[2] for row in conn.exec_driver_sql("PRAGMA foreign_key_list('loan_state_snapshots')")]
    assert "ix_loan_state_snapshots_loan" in names and keys == ["loans"]


def test_postgresql_sessions_run_without_jit_and_keep_the_url_options(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    # Options a deployment puts in DATABASE_URL (here a search path) must survive the ones we add.
    with_options = make_engine(f"{url_of(engine)}?options=-csearch_path%3Dother,public")
    try:
        with with_options.connect() as conn:
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
            assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"
            assert conn.exec_driver_sql("SHOW search_path").scalar() == "other,public"
    finally:
        with_options.dispose()


def test_migration_0007_builds_the_groups_of_the_snapshots_already_there(engine: Engine) -> None:
    """Upgrading a database whose snapshots predate the groups gives the groups a refresh would build."""
    from alembic import command

    from dashboard.kpi.snapshots import refresh
    from db.migrate import alembic_config
    from db.models import SnapshotGroup
    from seed import generate, write_to_database

    write_to_database(engine, generate(n_loans=150, seed=3, as_of=date(2026, 10, 31)))
    with engine.begin() as conn:
        refresh(conn, dates=[date(2026, 9, 30), date(2026, 10, 31)])
    g = SnapshotGroup
    key = (g.as_of, g.branch_id, g.product_id, g.channel_id, g.officer_id, g.first_due, g.override_rank)
    every_group = select(*key, g.loans, g.op_cents, g.overdue_cents).order_by(*key)
    with engine.connect() as conn:
        built = conn.execute(every_group).all()
    config = alembic_config(engine)
    command.downgrade(config, "0006")
    assert "snapshot_groups" not in inspect(engine).get_table_names()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(every_group).all() == built
    assert len({row[0] for row in built}) == 2
