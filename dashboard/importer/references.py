"""Checks across files: every reference names a row of the files given or of the database, and the branch
tree has no loop."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, select

from dashboard.importer.parse import ParsedFile, Row, describe
from dashboard.importer.problems import FILE_LEVEL, Problem
from dashboard.importer.spec import LOAD_ORDER, SPECS, Reference
from db.models import Base

_LOOKUP_CHUNK = 500  # keys per IN (...) query, well under SQLite's and PostgreSQL's parameter limits


def check_references(
    conn: Connection, parsed: dict[str, ParsedFile], reported_missing: set[str], problems: list[Problem]
) -> None:
    """Every reference must name a row of the referenced file or of the database.

    When the referenced file is absent and its table empty, that is one problem on the file, not one per row.
    """
    referrers: dict[str, list[str]] = {}
    for table in LOAD_ORDER:
        if table not in parsed:
            continue
        source = parsed[table]
        failed: set[tuple[int, str]] = set()  # (line, column) already reported as unknown
        for reference in source.spec.references:
            target = parsed.get(reference.table)
            # Foreign keys point at primary keys (a test holds spec.py to that), so the target's
            # keys compare as they are.
            known = target.keys if target else {}
            unresolved = _unresolved(source, reference, known, failed)
            if not unresolved:
                continue
            existing = _existing_keys(conn, reference, unresolved)
            if target is None and not existing and _is_empty(conn, reference.table):
                referrers.setdefault(reference.table, []).append(source.spec.file_name)
                continue
            column = reference.columns[-1]
            for value, lines in unresolved.items():
                if value in existing:
                    continue
                if len(value) == 1:
                    message = f"unknown {reference.target[0]} {value[0]!r}"
                else:
                    message = f"unknown {reference.table} row {describe(reference.target, value)}"
                for line in lines:
                    problems.append(Problem(source.spec.file_name, line, column, message))
                    failed.update((line, c) for c in reference.columns)
    for table, files in referrers.items():
        name = SPECS[table].file_name
        if name not in reported_missing:
            message = f"missing, and the database holds no {table} (referred to by {', '.join(files)})"
            problems.append(Problem(name, 1, FILE_LEVEL, message))


def _unresolved(
    source: ParsedFile, reference: Reference, known: Mapping[Row, int], failed: set[tuple[int, str]]
) -> dict[Row, list[int]]:
    """Referenced keys not in `known`, with the lines that use them."""
    positions = [source.spec.names.index(c) for c in reference.columns]
    unresolved: dict[Row, list[int]] = {}
    for row, line in zip(source.rows, source.lines, strict=True):
        value = tuple(row[i] for i in positions)
        if None in value or value in known:
            continue
        # A repayment whose loan is unknown is not also reported for its (loan, instalment).
        if any((line, c) in failed for c in reference.columns):
            continue
        unresolved.setdefault(value, []).append(line)
    return unresolved


def _existing_keys(conn: Connection, reference: Reference, candidates: Iterable[Row]) -> set[Row]:
    """Keys of the referenced table that exist, looked up by the first key column of the candidates only."""
    table = Base.metadata.tables[reference.table]
    columns = [table.c[name] for name in reference.target]
    firsts = sorted({value[0] for value in candidates})
    found: set[Row] = set()
    for start in range(0, len(firsts), _LOOKUP_CHUNK):
        query = select(*columns).where(columns[0].in_(firsts[start : start + _LOOKUP_CHUNK]))
        found.update(tuple(r) for r in conn.execute(query))
    return found


def _is_empty(conn: Connection, table_name: str) -> bool:
    table = Base.metadata.tables[table_name]
    return conn.execute(select(1).select_from(table).limit(1)).first() is None


def check_branch_loops(conn: Connection, branches: ParsedFile, problems: list[Problem]) -> None:
    """A branch may not be its own ancestor, counting the parents the database holds for branches not in
    the file: the subtree queries of the dashboard would never end."""
    names = branches.spec.names
    at_id, at_parent = names.index("branch_id"), names.index("parent_id")
    parent: dict[str, str | None] = {}
    line_of: dict[str, int] = {}
    for row, line in zip(branches.rows, branches.lines, strict=True):
        if row[at_id] is not None:
            parent[row[at_id]] = row[at_parent]
            line_of.setdefault(row[at_id], line)
    if any(p is not None and p not in parent for p in parent.values()):
        table = Base.metadata.tables["branches"]
        stored = {b: p for b, p in conn.execute(select(table.c.branch_id, table.c.parent_id))}
        parent = stored | parent
    done: set[str] = set()
    for start in line_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path.append(node)
            node = parent.get(node)
        if node is not None and node in path:
            loop = path[path.index(node) :]
            in_file = [b for b in loop if b in line_of]
            if in_file:
                first = min(in_file, key=line_of.__getitem__)
                at = loop.index(first)
                chain = " -> ".join([*loop[at:], *loop[:at], first])
                message = f"{parent[first]!r} makes a loop: {chain} (a branch cannot be its own ancestor)"
                problems.append(Problem(branches.spec.file_name, line_of[first], "parent_id", message))
        done.update(path)


def check_action_contacts(conn: Connection, parsed: dict[str, ParsedFile], problems: list[Problem]) -> None:
    """A collection action's contact must be a contact of its loan's customer, by the files given or the
    database. Rows whose loan or contact is unknown were reported already."""
    actions = parsed.get("collection_actions")
    if actions is None or "contact_id" not in actions.spec.names:
        return
    names = actions.spec.names
    at_loan, at_contact = names.index("loan_id"), names.index("contact_id")
    named = [
        (row[at_loan], row[at_contact], line)
        for row, line in zip(actions.rows, actions.lines, strict=True)
        if row[at_contact] is not None and row[at_loan] is not None
    ]
    if not named:
        return
    customer_of_loan = _column_of(
        conn, parsed, "loans", "loan_id", "customer_id", {loan for loan, _, _ in named}
    )
    customer_of_contact = _column_of(
        conn, parsed, "contacts", "contact_id", "customer_id", {contact for _, contact, _ in named}
    )
    for loan, contact, line in named:
        borrower, theirs = customer_of_loan.get(loan), customer_of_contact.get(contact)
        if borrower is not None and theirs is not None and borrower != theirs:
            message = f"{contact!r} is a contact of customer {theirs!r}; the loan's customer is {borrower!r}"
            problems.append(Problem(actions.spec.file_name, line, "contact_id", message))


def _column_of(
    conn: Connection, parsed: dict[str, ParsedFile], table_name: str, key: str, column: str, wanted: set[str]
) -> dict[str, str]:
    """key -> column for the wanted keys, from the file given (which replaces the stored row) or else the
    database."""
    found: dict[str, str] = {}
    source = parsed.get(table_name)
    if source is not None:
        at_key, at_column = source.spec.names.index(key), source.spec.names.index(column)
        found = {row[at_key]: row[at_column] for row in source.rows if row[at_key] in wanted}
    missing = sorted(wanted - set(found))
    table = Base.metadata.tables[table_name]
    for start in range(0, len(missing), _LOOKUP_CHUNK):
        query = select(table.c[key], table.c[column]).where(
            table.c[key].in_(missing[start : start + _LOOKUP_CHUNK])
        )
        found.update({k: v for k, v in conn.execute(query)})
    return found
