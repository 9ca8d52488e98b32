"""The import's writes on PostgreSQL: COPY into a temporary table, then one set-based upsert per table.

Row-by-row upserts cost the server a statement per row (~6,000 rows/s); a COPY and one INSERT … SELECT …
ON CONFLICT write the same rows many times faster. What the rows change in loan state is found by joining
the staged rows to the stored ones, before the upsert overwrites them.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from sqlalchemy import Connection

from dashboard.importer.parse import Row
from dashboard.importer.reach import DIMENSIONS, STATE_TABLES, StateReach
from dashboard.importer.spec import FileSpec


class RowsRefused(Exception):
    """The database refused rows while they were copied in."""


def copy_upsert(connection: Connection, spec: FileSpec, rows: Sequence[Row], reach: StateReach) -> None:
    """Upsert `rows` (in spec.names order) into spec.table; add what they change in loan state to `reach`."""
    stage = f"import_stage_{spec.table}"
    names = ", ".join(spec.table_columns)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {stage}")
    # Only the column types: the stored table's constraints check the rows when they are upserted.
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {names} FROM {spec.table} WITH NO DATA"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor, cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise RowsRefused(str(exc).strip().splitlines()[0]) from exc
    connection.exec_driver_sql(f"ANALYZE {stage}")
    if spec.table in STATE_TABLES:
        _note_changes(connection, spec, stage, reach)
    kept = {*spec.key, "version"}
    replaced = [name for name in spec.table_columns if name not in kept]
    key = ", ".join(spec.key)
    if replaced:
        assignments = ", ".join(f"{name} = excluded.{name}" for name in replaced)
        stored = ", ".join(f"{spec.table}.{name}" for name in replaced)
        fresh = ", ".join(f"excluded.{name}" for name in replaced)
        # A row equal to the stored one is left alone: importing the same extract twice writes nothing.
        action = f"DO UPDATE SET {assignments} WHERE ({stored}, NULL) IS DISTINCT FROM ({fresh}, NULL)"
    else:
        action = "DO NOTHING"
    connection.exec_driver_sql(
        f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM {stage} ON CONFLICT ({key}) {action}"
    )
    connection.exec_driver_sql(f"DROP TABLE {stage}")


def _note_changes(connection: Connection, spec: FileSpec, stage: str, reach: StateReach) -> None:
    columns = STATE_TABLES[spec.table]
    joined = " AND ".join(f"t.{k} = s.{k}" for k in spec.key)
    stored = ", ".join(f"t.{c}" for c in columns.compared)
    staged = ", ".join(f"s.{c}" for c in columns.compared)
    # A new row counts from its own date; a changed one from the earlier of the old and the new date, for
    # the old and the new loan (a repayment may move to another loan).
    changed = f"({stored}, NULL) IS DISTINCT FROM ({staged}, NULL)"
    query = f"""
        SELECT s.loan_id, s.{columns.counts_from} FROM {stage} s LEFT JOIN {spec.table} t ON {joined}
        WHERE t.{spec.key[0]} IS NULL OR {changed}
        UNION ALL
        SELECT t.loan_id, t.{columns.counts_from} FROM {stage} s JOIN {spec.table} t ON {joined}
        WHERE {changed}
    """
    grouped = f"SELECT loan_id, min(since) FROM ({query}) AS changed (loan_id, since) GROUP BY loan_id"
    for loan_id, since in connection.exec_driver_sql(grouped):
        reach.add(loan_id, since)
    if spec.table == "loans":
        stored_at = ", ".join(f"t.{c}" for c in DIMENSIONS)
        staged_at = ", ".join(f"s.{c}" for c in DIMENSIONS)
        moved = f"({stored_at}) IS DISTINCT FROM ({staged_at})"
        query = f"SELECT EXISTS (SELECT 1 FROM {stage} s JOIN loans t ON {joined} WHERE {moved})"
        reach.moved = reach.moved or bool(connection.exec_driver_sql(query).scalar())
