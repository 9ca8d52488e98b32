"""Importing a whole core-banking extract (DOMAIN section 5), or a few of its files, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from dashboard import clock
from dashboard.importer.load import ImportSummary, load_tables
from dashboard.importer.parse import Row
from dashboard.importer.problems import FILE_LEVEL, ExtractInvalid, Problem
from dashboard.importer.reach import StateReach
from dashboard.importer.read import Source
from dashboard.importer.spec import REQUIRED_FILES, SPECS
from dashboard.importer.validate import validate_tables
from dashboard.kpi import groups
from dashboard.kpi.data_dates import IMPORT_ACTOR, default_import_date, record_data_date, recorded_data_date
from dashboard.kpi.snapshots import refresh_loans
from dashboard.progress import QUIET, Progress
from dashboard.work.allocation import record_officer_change
from db.data_version import bump_data_version
from db.models import Loan

# Up to this many loans changed, an import rebuilds their snapshot rows itself (a correction, a day's
# payments of a small book); more, and rebuilding whole dates in `postloan refresh` costs less.
REBUILD_LOANS_MAX = 2000


def import_files(
    engine: Engine,
    files: Mapping[str, Source],
    *,
    required: Iterable[str] = (),
    extract: str | None = None,
    data_date: date | None = None,
    progress: Progress = QUIET,
) -> ImportSummary:
    """Check every file, then write them all or nothing; ExtractInvalid carries every problem found.

    The checks and the writes share one transaction; should a referenced row be deleted by someone else in
    between, the database refuses the write and still nothing is written.

    `extract` names a whole extract (its directory): its data date is recorded in the same transaction,
    `data_date` or by default the latest ledger date (dashboard.kpi.data_dates). A few files uploaded on
    their own (visits, actions) record none and so never move the default as-of date.
    """
    with engine.begin() as conn:
        checked = validate_tables(conn, files, required=required, progress=progress)
        if checked.problems:
            raise ExtractInvalid(checked.problems)
        moves = _officer_moves(conn, checked.rows.get("loans", []))
        summary = load_tables(conn, checked.rows, progress=progress)
        # The same date again is no news: importing the same extract twice still changes nothing.
        recorded = recorded_data_date(conn)
        if extract is not None:
            summary.data_date = data_date or default_import_date(conn)
        if moves:
            day = summary.data_date or default_import_date(conn) or clock.today()
            for loan_id, (previous, officer) in sorted(moves.items()):
                record_officer_change(conn, loan_id=loan_id, previous=previous, officer_id=officer, on=day)

        def record() -> None:
            # After the snapshot rows, before data_version: the audit row takes the audit log's lock, which
            # a save takes after its own rows and before data_version too (dashboard.work.audit).
            if extract is not None and summary.data_date is not None and summary.data_date != recorded:
                record_data_date(
                    conn,
                    data_date=summary.data_date,
                    source="import",
                    detail=extract,
                    actor=IMPORT_ACTOR,
                    rows=summary.rows,
                )

        _keep_snapshots(conn, summary.state, record)
        return summary


def import_directory(
    engine: Engine, directory: Path, *, data_date: date | None = None, progress: Progress = QUIET
) -> ImportSummary:
    """Import every .csv file of the directory; a .csv with an unknown name is a problem, so that nothing is
    silently left out. Other files and hidden ones (editors' and macOS's ._ companions) are ignored.
    `data_date`: the date through which the extract's repayments are complete (default: its latest
    repayment or disbursement, see import_files)."""
    if not directory.is_dir():
        raise ExtractInvalid([Problem(str(directory), 1, FILE_LEVEL, "not a directory")])
    files = {
        path.name: path
        for path in sorted(directory.iterdir())
        if path.is_file() and path.suffix.lower() == ".csv" and not path.name.startswith(".")
    }
    return import_files(
        engine,
        files,
        required=REQUIRED_FILES,
        extract=str(directory.resolve()),
        data_date=data_date,
        progress=progress,
    )


_MOVES_CHUNK = 5000


def _officer_moves(conn: Connection, loans: Sequence[Row]) -> dict[str, tuple[str, str]]:
    """Stored loans the extract gives another officer: loan id -> (stored officer, new officer). Their officer
    history changes hands on the extract's data date, so officer figures before it stay the old officer's."""
    if not loans:
        return {}
    names = SPECS["loans"].table_columns
    at_id, at_officer = names.index("loan_id"), names.index("officer_id")
    wanted = {row[at_id]: row[at_officer] for row in loans}
    ids = sorted(wanted)
    moves: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), _MOVES_CHUNK):
        stored = conn.execute(
            select(Loan.loan_id, Loan.officer_id).where(Loan.loan_id.in_(ids[start : start + _MOVES_CHUNK]))
        )
        moves.update({loan: (old, wanted[loan]) for loan, old in stored if old != wanted[loan]})
    return moves


def _keep_snapshots(conn: Connection, reach: StateReach, before_bump: Callable[[], None]) -> None:
    """Bump the data version; a few changed loans get their snapshot rows rebuilt here, more only make the
    snapshots from the earliest date they reach stale (until `postloan refresh`). Loans moved to another
    branch, product, channel or officer have the snapshot groups rebuilt. `before_bump` runs after the
    snapshot rows are written and before the data version is bumped."""
    if not reach.loans:
        before_bump()
        bump_data_version(conn, state=False)
    elif len(reach.loans) <= REBUILD_LOANS_MAX:
        refresh_loans(conn, loans=sorted(reach.loans), affects_from=reach.earliest)
        before_bump()
        bump_data_version(conn, logged=False)
    else:
        before_bump()
        bump_data_version(conn, affects_from=reach.earliest)
    if reach.moved:
        groups.rebuild_all(conn)
