"""Emptying the data tables, for re-seeding a demo database."""

from __future__ import annotations

from sqlalchemy import Engine, delete, exists, select, text

from db.data_version import bump_data_version
from db.models import Base, DataVersion, Loan


def database_has_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(exists().where(Loan.loan_id.is_not(None)))).scalar())


def delete_all_data(engine: Engine) -> None:
    """Every data table, children before parents, in one transaction."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t is not DataVersion.__table__]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One TRUNCATE of them all: DELETE checks every foreign key row by row.
            conn.execute(
                text("TRUNCATE " + ", ".join(conn.dialect.identifier_preparer.quote(t.name) for t in tables))
            )
            bump_data_version(conn)
            return
        for table in tables:
            if table.name == "branches":
                conn.execute(table.update().values(parent_id=None))
            conn.execute(delete(table))
        bump_data_version(conn)
