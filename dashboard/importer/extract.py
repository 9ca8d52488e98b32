"""Importing a whole core-banking extract (DOMAIN section 5), or a few of its files, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from sqlalchemy import Connection, Engine

from dashboard.importer.load import ImportSummary, load_tables
from dashboard.importer.problems import FILE_LEVEL, ExtractInvalid, Problem
from dashboard.importer.reach import StateReach
from dashboard.importer.read import Source
from dashboard.importer.spec import REQUIRED_FILES
from dashboard.importer.validate import validate_tables
from dashboard.kpi import groups
from dashboard.kpi.snapshots import refresh_loans
from dashboard.progress import QUIET, Progress
from db.data_version import bump_data_version

# Up to this many loans changed, an import rebuilds their snapshot rows itself (a correction, a day's
# payments of a small book); more, and rebuilding whole dates in `postloan refresh` costs less.
REBUILD_LOANS_MAX = 2000


def import_files(
    engine: Engine,
    files: Mapping[str, Source],
    *,
    required: Iterable[str] = (),
    progress: Progress = QUIET,
) -> ImportSummary:
    """Check every file, then write them all or nothing; ExtractInvalid carries every problem found.

    The checks and the writes share one transaction; should a referenced row be deleted by someone else in
    between, the database refuses the write and still nothing is written.
    """
    with engine.begin() as conn:
        checked = validate_tables(conn, files, required=required, progress=progress)
        if checked.problems:
            raise ExtractInvalid(checked.problems)
        summary = load_tables(conn, checked.rows, progress=progress)
        _keep_snapshots(conn, summary.state)
        return summary


def import_directory(engine: Engine, directory: Path, *, progress: Progress = QUIET) -> ImportSummary:
    """Import every .csv file of the directory; a .csv with an unknown name is a problem, so that nothing is
    silently left out. Other files and hidden ones (editors' and macOS's ._ companions) are ignored."""
    if not directory.is_dir():
        raise ExtractInvalid([Problem(str(directory), 1, FILE_LEVEL, "not a directory")])
    files = {
        path.name: path
        for path in sorted(directory.iterdir())
        if path.is_file() and path.suffix.lower() == ".csv" and not path.name.startswith(".")
    }
    return import_files(engine, files, required=REQUIRED_FILES, progress=progress)


def _keep_snapshots(conn: Connection, reach: StateReach) -> None:
    """Bump the data version; a few changed loans get their snapshot rows rebuilt here, more only make the
    snapshots from the earliest date they reach stale (until `postloan refresh`). Loans moved to another
    branch, product, channel or officer have the snapshot groups rebuilt."""
    if not reach.loans:
        bump_data_version(conn, state=False)
    elif len(reach.loans) <= REBUILD_LOANS_MAX:
        refresh_loans(conn, sorted(reach.loans), reach.earliest)
        bump_data_version(conn, logged=False)
    else:
        bump_data_version(conn, affects_from=reach.earliest)
    if reach.moved:
        groups.rebuild_all(conn)
