"""Checking files of the extract before anything is written: each file alone (parse.py), then references
across files and against what the database already holds (references.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import Connection, Engine

from dashboard.importer.assignments import check_assignments
from dashboard.importer.npl import check_npl_files
from dashboard.importer.parse import ParsedFile, Row, parse_file
from dashboard.importer.problems import FILE_LEVEL, Problem
from dashboard.importer.read import Source, decode
from dashboard.importer.references import check_action_contacts, check_branch_loops, check_references
from dashboard.importer.spec import BY_FILE_NAME, LOAD_ORDER
from dashboard.progress import QUIET, Progress


class Checked(NamedTuple):
    rows: dict[str, list[Row]]  # table name -> parsed rows, ready for load_tables
    problems: list[Problem]


def validate_tables(
    bind: Engine | Connection,
    files: Mapping[str, Source],
    *,
    required: Iterable[str] = (),
    progress: Progress = QUIET,
) -> Checked:
    """Parse and check files named like the extract's ("visits.csv"); references may point at rows of the
    other files given or at rows already in the database. `required`: file names that must be among them."""
    problems: list[Problem] = []
    parsed: dict[str, ParsedFile] = {}
    progress.begin(len(files), "check", unit="file")
    for name, source in files.items():
        progress.advance(name, n=0)
        spec = BY_FILE_NAME.get(name)
        if spec is None:
            expected = ", ".join(BY_FILE_NAME)
            problems.append(Problem(name, 1, FILE_LEVEL, f"unknown file (expected one of {expected})"))
            continue
        parsed[spec.table] = parse_file(spec, decode(name, source, problems), problems)
        progress.advance(name)
    missing = [name for name in required if BY_FILE_NAME[name].table not in parsed]
    problems += [Problem(name, 1, FILE_LEVEL, "required file is missing") for name in missing]
    with _connection(bind) as conn:
        check_references(conn, parsed, set(missing), problems)
        check_action_contacts(conn, parsed, problems)
        if "branches" in parsed:
            check_branch_loops(conn, parsed["branches"], problems)
        check_assignments(conn, parsed, problems)
        check_npl_files(conn, parsed, problems)
    problems.sort(key=_report_order)
    return Checked({table: parsed[table].rows for table in LOAD_ORDER if table in parsed}, problems)


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def _report_order(problem: Problem) -> tuple[int, str, int, int]:
    spec = BY_FILE_NAME.get(problem.file)
    if spec is None:
        return len(LOAD_ORDER), problem.file, problem.line, -1
    names = spec.names
    column = names.index(problem.column) if problem.column in names else -1
    return LOAD_ORDER.index(spec.table), problem.file, problem.line, column
