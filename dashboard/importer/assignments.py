"""Checks of assignments.csv across rows and files: the collector is a collector still employed on the
assignment day, and a loan's assignments do not overlap, counting those the database keeps.

An assignment holds its loan from `assigned_on` up to, not including, `ended_on` (blank: still), so one
ending on the day the next begins does not overlap it (DOMAIN section 5, "End dates"). `left_on` is read
the same way: a member of staff who left on D works no case from D on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from dashboard.importer.parse import ParsedFile
from dashboard.importer.problems import Problem
from db.models import CollectorAssignment, Staff
from db.models.enums import COLLECTOR_ROLES

_LOOKUP_CHUNK = 500


def check_assignments(conn: Connection, parsed: dict[str, ParsedFile], problems: list[Problem]) -> None:
    source = parsed.get("collector_assignments")
    if source is None or not source.rows:
        return
    file = source.spec.file_name
    at = {name: i for i, name in enumerate(source.spec.table_columns)}
    staff = _staff(conn, parsed, {row[at["staff_id"]] for row in source.rows} - {None})
    for row, line in zip(source.rows, source.lines, strict=True):
        staff_id, assigned_on = row[at["staff_id"]], row[at["assigned_on"]]
        if staff_id not in staff:  # blank, or unknown: reported with the references
            continue
        role, left_on = staff[staff_id]
        if role not in COLLECTOR_ROLES:
            message = f"{staff_id!r} is a {role}, not a collector ({' or '.join(COLLECTOR_ROLES)})"
            problems.append(Problem(file, line, "collector_id", message))
        elif assigned_on is not None and left_on is not None and left_on <= assigned_on:
            message = f"{staff_id!r} left on {left_on}, on or before assigned_on {assigned_on}"
            problems.append(Problem(file, line, "collector_id", message))
    _check_overlaps(conn, source, at, problems)


def _staff(
    conn: Connection, parsed: dict[str, ParsedFile], ids: set[str]
) -> dict[str, tuple[str, date | None]]:
    """staff id -> (role, left_on), the staff file's rows over the database's."""
    found: dict[str, tuple[str, date | None]] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        query = select(Staff.staff_id, Staff.role, Staff.left_on).where(
            Staff.staff_id.in_(wanted[start : start + _LOOKUP_CHUNK])
        )
        found.update({s: (role, left) for s, role, left in conn.execute(query)})
    file = parsed.get("staff")
    if file is not None:
        names = file.spec.table_columns
        s, role, left = names.index("staff_id"), names.index("role"), names.index("left_on")
        found.update({row[s]: (row[role], row[left]) for row in file.rows if row[s] in ids})
    return found


def _check_overlaps(
    conn: Connection, source: ParsedFile, at: dict[str, int], problems: list[Problem]
) -> None:
    """Each loan's assignments, the file's and the stored ones it does not replace, sorted by start: one
    that begins before the previous one ends overlaps it. Reported on the file's row of the pair."""
    file = source.spec.file_name
    # A row already refused for another reason is not also reported as overlapping.
    refused = {p.line for p in problems if p.file == file}
    spans: dict[str, list[tuple[date, date | None, str, int | None]]] = {}
    in_file: set[str] = set()
    for row, line in zip(source.rows, source.lines, strict=True):
        assignment_id, loan_id = row[at["assignment_id"]], row[at["loan_id"]]
        start, end = row[at["assigned_on"]], row[at["ended_on"]]
        if line in refused or None in (assignment_id, loan_id, start):
            continue
        in_file.add(assignment_id)
        spans.setdefault(loan_id, []).append((start, end, assignment_id, line))
    loans = sorted(spans)
    a = CollectorAssignment
    for first in range(0, len(loans), _LOOKUP_CHUNK):
        query = select(a.loan_id, a.assigned_on, a.ended_on, a.assignment_id).where(
            a.loan_id.in_(loans[first : first + _LOOKUP_CHUNK])
        )
        for loan_id, start, end, assignment_id in conn.execute(query):
            if assignment_id not in in_file:
                spans[loan_id].append((start, end, assignment_id, None))
    for loan_id, loan_spans in spans.items():
        loan_spans.sort(key=lambda s: (s[0], s[3] or 0))
        holder = loan_spans[0]  # of the spans so far, the one that ends last
        for span in loan_spans[1:]:
            start, end, assignment_id, line = span
            held_until = holder[1]
            if held_until is None or start < held_until:
                _overlap(file, loan_id, start, holder, span, problems)
            if held_until is not None and (end is None or end > held_until):
                holder = span


def _overlap(
    file: str,
    loan_id: str,
    start: date,
    earlier: tuple[date, date | None, str, int | None],
    later: tuple[date, date | None, str, int | None],
    problems: list[Problem],
) -> None:
    line, other = (later[3], earlier) if later[3] is not None else (earlier[3], later)
    if line is None:  # two stored rows: not this file's doing
        return
    held = "still open" if other[1] is None else f"until {other[1]}"
    message = (
        f"loan {loan_id!r} is already assigned on {start}: assignment {other[2]!r} from {other[0]}, {held}"
    )
    problems.append(Problem(file, line, "assigned_on", message))
