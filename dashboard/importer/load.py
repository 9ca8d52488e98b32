"""Writing checked rows: bulk upserts by key, parents before children, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from dashboard import clock
from dashboard.importer.npl import keep_approved_writeoffs, stages_before, write_stage_changes
from dashboard.importer.parse import Row
from dashboard.importer.pg_bulk import RowsRefused, copy_upsert
from dashboard.importer.problems import FILE_LEVEL, ExtractInvalid, Problem
from dashboard.importer.reach import StateReach, note_changes
from dashboard.importer.spec import LOAD_ORDER, SPECS, FileSpec
from dashboard.progress import QUIET, Progress
from dashboard.work.warnings import open_warnings
from dashboard.workdays import renumber
from db.models import Base

BATCH_ROWS = 5000
# An issue the extract marks resolved satisfies the schema's "a resolved issue has a note" this way.
CORE_RESOLUTION = "Resolved in the core-banking system"

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass
class ImportSummary:
    rows: dict[str, int] = field(default_factory=dict)  # table name -> rows written (new or replaced)
    # The loans whose state the rows change, and from which date.
    state: StateReach = field(default_factory=StateReach)
    # A whole extract's data date as recorded (dashboard.importer.extract.import_files); None for other loads.
    data_date: date | None = None


def load_tables(
    connection: Connection, rows: Mapping[str, Sequence[Row]], *, progress: Progress = QUIET
) -> ImportSummary:
    """Upsert rows from validate_tables: a row whose key exists replaces the stored one (on PostgreSQL
    through COPY, see dashboard.importer.pg_bulk).

    Run it inside the transaction that should hold the whole import. If the database refuses a row,
    this raises ExtractInvalid, and the caller's transaction must roll back (`engine.begin()` does).
    """
    summary = ImportSummary()
    progress.begin(sum(len(rows[table]) for table in LOAD_ORDER if table in rows), "write", unit="row")
    for table in LOAD_ORDER:
        if table not in rows:
            continue
        spec = SPECS[table]
        ordered = _parents_first(spec, rows[table]) if table == "branches" else rows[table]
        if table == "issues":
            ordered = [_with_resolution(spec, row) for row in ordered]
        stages = stages_before(connection, ordered) if table == "legal_cases" else {}
        try:
            if connection.dialect.name == "postgresql":
                copy_upsert(connection, spec, ordered, summary.state)
            else:
                _upsert_batches(connection, spec, ordered, summary.state)
        except (DBAPIError, RowsRefused) as exc:
            detail = _first_line(exc) if isinstance(exc, DBAPIError) else str(exc)
            message = f"the database refused the rows: {detail}; nothing was written"
            raise ExtractInvalid([Problem(spec.file_name, 1, FILE_LEVEL, message)]) from exc
        if table == "legal_cases":
            write_stage_changes(connection, ordered, stages)
        if table == "loans":
            # A write-off approved in the app outlives an extract that has not booked it yet.
            keep_approved_writeoffs(connection)
        summary.rows[table] = len(ordered)
        progress.advance(table, n=len(ordered))
    if "workdays" in rows:
        renumber(connection)  # the derived counts every working-day deadline reads
    if "signals" in rows:
        # An outside signal imported overnight is on the officer's warning list in the morning.
        signal_ids = [row[0] for row in rows["signals"]]
        summary.rows["warnings"] = open_warnings(connection, as_of=clock.today(), signal_ids=signal_ids)
    return summary


def _upsert_batches(connection: Connection, spec: FileSpec, rows: Sequence[Row], reach: StateReach) -> None:
    statement = _upsert(connection, spec)
    for start in range(0, len(rows), BATCH_ROWS):
        batch = [dict(zip(spec.table_columns, row, strict=True)) for row in rows[start : start + BATCH_ROWS]]
        note_changes(connection, spec, batch, reach)
        connection.execute(statement, batch)


def _with_resolution(spec: FileSpec, row: Row) -> Row:
    resolved_on, resolution = spec.names.index("resolved_on"), spec.names.index("resolution")
    if row[resolved_on] is None or (row[resolution] or "").strip():
        return row
    return (*row[:resolution], CORE_RESOLUTION, *row[resolution + 1 :])


def _upsert(connection: Connection, spec: FileSpec) -> Insert:
    make_insert = _INSERTS.get(connection.dialect.name)
    if make_insert is None:
        raise NotImplementedError(f"no bulk upsert for the {connection.dialect.name} dialect")
    statement = make_insert(Base.metadata.tables[spec.table])
    # The version belongs to the app's editors (optimistic locking); an import neither resets nor bumps it,
    # so importing the same extract twice changes nothing.
    kept = {*spec.key, "version"}
    replaced = {name: statement.excluded[name] for name in spec.table_columns if name not in kept}
    return statement.on_conflict_do_update(index_elements=list(spec.key), set_=replaced)


def _first_line(exc: DBAPIError) -> str:
    """The driver's own message without SQLAlchemy's statement and parameters, which may be huge."""
    text = str(exc.orig).strip() or type(exc.orig).__name__
    return text.splitlines()[0]


def _parents_first(spec: FileSpec, rows: Sequence[Row]) -> list[Row]:
    """Branches ordered so a parent given in the same file is written before its children, because the
    foreign key is checked row by row. validate_tables has refused loops, so every walk ends."""
    at_id, at_parent = spec.names.index("branch_id"), spec.names.index("parent_id")
    parent = {row[at_id]: row[at_parent] for row in rows}

    def depth(branch: str) -> int:
        steps = 0
        while parent.get(branch) in parent:
            branch = parent[branch]
            steps += 1
        return steps

    return sorted(rows, key=lambda row: depth(row[at_id]))
