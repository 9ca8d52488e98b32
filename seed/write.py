"""Output: bulk load into the database, or write the core-banking extract (DOMAIN section 5)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from dashboard.importer.spec import FILE_COLUMNS, FILE_NAMES
from db.models import Base
from seed.sink import TABLES

# DOMAIN section 5, file by file, column by column.
EXTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(columns.split(", "))
    for name, columns in (
        ("branches", "branch_id, name, parent_id"),
        ("staff", "staff_id, name, role, branch_id, joined_on, left_on"),
        ("products", "product_id, name, category, repayment_method, periodic_check_months, dpd_floors"),
        ("channels", "channel_id, name, grade"),
        ("customers", "customer_id, name, id_number, phone, address, credit_grade, repayment_capacity"),
        ("contacts", "contact_id, customer_id, name, relation, phone"),
        (
            "loans",
            "loan_id, customer_id, product_id, branch_id, officer_id, channel_id, principal, annual_rate, "
            "term_months, disbursed_on, maturity_on, payment_mode, written_off_on",
        ),
        ("schedule", "loan_id, instalment_no, due_on, principal_due, interest_due"),
        ("repayments", "repayment_id, loan_id, instalment_no, paid_on, principal_paid, interest_paid"),
        ("agencies", "agency_id, name, commission_rate"),
        ("placements", "placement_id, loan_id, agency_id, placed_on, recalled_on, placed_amount"),
        (
            "collection_actions",
            "action_id, loan_id, acted_at, channel, staff_id, agency_id, result, ptp_amount, ptp_on, "
            "info_repaired",
        ),
        (
            "inspections",
            "inspection_id, loan_id, kind, done_on, method, staff_id, funds_use_ok, risk_signal, notes",
        ),
        ("visits", "visit_id, loan_id, visited_on, method, staff_id, content, feedback, satisfaction"),
        (
            "issues",
            "issue_id, loan_id, visit_id, severity, raised_on, reported_on, resolved_on, "
            "description, resolution",
        ),
        ("classification_overrides", "loan_id, effective_on, classification, reason, staff_id"),
        ("collector_assignments", "assignment_id, loan_id, collector_id, assigned_on, ended_on"),
    )
}
# Columns named apart from the table's (DOMAIN section 5): file column -> table column, from the importer's.
_SOURCE_COLUMNS = {(table, name): column for (table, column), name in FILE_COLUMNS.items()}

INSERT_BATCH = 10_000

_MONEY = {
    "principal",
    "principal_due",
    "interest_due",
    "principal_paid",
    "interest_paid",
    "placed_amount",
    "ptp_amount",
}
_FLAGS = {"info_repaired", "funds_use_ok", "risk_signal"}


def write_to_database(engine: Engine, tables: Mapping[str, Sequence[dict]]) -> dict[str, int]:
    """Insert every table in one transaction, parents first; returns the rows written per table."""
    return stream_to_database(engine, [tables])


def stream_to_database(engine: Engine, chunks: Iterable[Mapping[str, Sequence[dict]]]) -> dict[str, int]:
    """Insert chunk after chunk as they come, all in one transaction; returns the rows written per table.

    Only one chunk is held at a time, so memory follows the chunk size, not the portfolio. One
    transaction means a seed that fails half way (or is interrupted) leaves nothing behind. Each
    chunk must hold parents before children, and no row may refer to a row of a later chunk
    (what iter_chunks gives).
    """
    counts = dict.fromkeys(TABLES, 0)
    with engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        rebuild = _drop_secondary(conn) if postgres else []
        for chunk in chunks:
            for name in TABLES:
                rows = chunk.get(name, ())
                if rows:
                    _insert(conn, name, rows)
                    counts[name] += len(rows)
            del chunk  # let the chunk go before the generator builds the next one
        for statement in rebuild:
            conn.exec_driver_sql(statement)
        if postgres:
            # The planner would otherwise still think the tables empty when the snapshot refresh runs.
            conn.exec_driver_sql(f"ANALYZE {', '.join(name for name in TABLES if counts[name])}")
    return counts


def _drop_secondary(conn: Connection) -> list[str]:
    """On PostgreSQL, drop the foreign keys and plain indexes of the empty tables to be loaded; returns
    the statements that put them back, exactly as they were.

    Checking a foreign key row by row and growing a dozen indexes row by row cost more than COPY
    itself; one validating join per key and one sorted build per index after the load cost far less.
    Primary keys and unique constraints stay, so duplicates are still refused as the rows arrive.
    Everything runs in the load's transaction: if the load fails, the drops are rolled back too.
    """
    names = [name for name in TABLES if not conn.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first()]
    if not names:
        return []
    # Index builds after the load sort tens of millions of keys; the default 64 MB sorts on disk.
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    foreign_keys = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(%(tables)s::regclass[]) "
        "ORDER BY 1, 2",
        {"tables": names},
    ).all()
    indexes = conn.exec_driver_sql(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%(tables)s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        {"tables": names},
    ).all()
    for table, name, _ in foreign_keys:
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in foreign_keys
    ]


def _insert(conn: Connection, name: str, rows: Sequence[dict]) -> None:
    if conn.dialect.name == "postgresql":
        _copy(conn, name, rows)
        return
    insert = Base.metadata.tables[name].insert()
    for start in range(0, len(rows), INSERT_BATCH):
        conn.execute(insert, list(rows[start : start + INSERT_BATCH]))


def _copy(conn: Connection, name: str, rows: Sequence[dict]) -> None:
    """PostgreSQL's COPY, in the same transaction: many times faster than INSERT for a large table."""
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def write_extract(tables: Mapping[str, Sequence[dict]], directory: Path) -> None:
    """One UTF-8 CSV file per table of DOMAIN section 5, with a header row."""
    stream_extract([tables], directory)


def stream_extract(chunks: Iterable[Mapping[str, Sequence[dict]]], directory: Path) -> None:
    """write_extract chunk after chunk: every file stays open and only one chunk is held at a time."""
    directory.mkdir(parents=True, exist_ok=True)
    with ExitStack() as files:
        writers = {}
        for name, columns in EXTRACT_COLUMNS.items():
            path = directory / extract_file_name(name)
            f = files.enter_context(path.open("w", encoding="utf-8", newline=""))
            writers[name] = csv.writer(f, lineterminator="\n")
            writers[name].writerow(columns)
        formats = {
            name: [(_SOURCE_COLUMNS.get((name, column), column), _formatter(column)) for column in columns]
            for name, columns in EXTRACT_COLUMNS.items()
        }
        for chunk in chunks:
            for name, writer in writers.items():
                writer.writerows(
                    [fmt(row[column]) for column, fmt in formats[name]] for row in chunk.get(name, ())
                )


def extract_file_name(table: str) -> str:
    """The extract's file for a table: assignments.csv for collector_assignments, else the table's name."""
    return f"{FILE_NAMES.get(table, table)}.csv"


def _formatter(column: str) -> Callable[[Any], str]:
    if column in _MONEY:
        return lambda v: "" if v is None else f"{v:.2f}"
    if column in _FLAGS:
        return lambda v: "1" if v else "0"
    if column == "acted_at":
        return lambda v: v.strftime("%Y-%m-%dT%H:%M:%S")
    # Dates print as ISO dates, rates in full; everything else as it is.
    return lambda v: "" if v is None else str(v)
