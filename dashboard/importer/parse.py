"""Parsing one file of the extract: header, cells and the rules within a row, and duplicate keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dashboard.importer.problems import FILE_LEVEL, Problem
from dashboard.importer.read import records
from dashboard.importer.spec import FileSpec
from dashboard.importer.values import BadValue

Row = tuple[Any, ...]  # one value per column of the table, in FileSpec.names order
_DISTINCT_VALUES = 1 << 16  # per column while checking one file


@dataclass
class ParsedFile:
    spec: FileSpec
    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    keys: dict[Row, int] = field(default_factory=dict)  # key -> line of its first row


def parse_file(spec: FileSpec, text: str, problems: list[Problem]) -> ParsedFile:
    result = ParsedFile(spec)
    file = spec.file_name
    rows = records(file, text, problems)
    header = next(rows, None)
    if header is None:
        problems.append(Problem(file, 1, FILE_LEVEL, "empty file (expected a header row)"))
        return result
    header_line, names = header
    check_row = _row_checker(spec, _check_header(spec, header_line, names, problems), problems)
    key_positions = [spec.names.index(c) for c in spec.key]
    for line, fields in rows:
        if len(fields) != len(names):
            problems.append(
                Problem(file, line, FILE_LEVEL, f"{len(fields)} fields, but the header has {len(names)}")
            )
            continue
        row = check_row(fields, line)
        key = tuple([row[i] for i in key_positions])
        if None not in key:
            first = result.keys.setdefault(key, line)
            if first != line:
                message = f"duplicate {describe(spec.key, key)} (first on line {first})"
                problems.append(Problem(file, line, spec.key[-1], message))
        result.rows.append(row)
        result.lines.append(line)
    return result


def _check_header(spec: FileSpec, line: int, names: list[str], problems: list[Problem]) -> list[int | None]:
    """For each column of the spec, its position in the file (None when absent)."""
    file = spec.file_name
    positions: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = raw.strip()
        if not name:
            problems.append(Problem(file, line, FILE_LEVEL, f"column {i + 1} of the header is blank"))
        elif name not in spec.names:
            problems.append(Problem(file, line, name, f"unknown column (expected {', '.join(spec.names)})"))
        elif name in positions:
            message = f"appears twice (columns {positions[name] + 1} and {i + 1})"
            problems.append(Problem(file, line, name, message))
        else:
            positions[name] = i
    for column in spec.columns:
        if column.required and column.name not in positions:
            problems.append(Problem(file, line, column.name, "missing required column"))
    return [positions.get(c.name) for c in spec.columns]


def _row_checker(
    spec: FileSpec, sources: list[int | None], problems: list[Problem]
) -> Callable[[list[str], int], Row]:
    """A function from the fields of a record to the parsed row, with None for blank and for bad cells.

    Built once per file because it runs for every row of files with hundreds of thousands of them. The
    parsers are memoised for this file only: keys, dates and amounts repeat (a loan's id on each of its
    instalments), and one object per distinct value saves much of the time and memory.
    """
    file = spec.file_name
    cells = [
        (c.name, lru_cache(maxsize=_DISTINCT_VALUES)(c.parse), c.required, c.default, s)
        for c, s in zip(spec.columns, sources, strict=True)
    ]
    rules = [([spec.names.index(c) for c in rule.columns], rule.check) for rule in spec.rules]

    def check(fields: list[str], line: int) -> Row:
        row: list[Any] = []
        bad: list[int] = []
        for position, (name, parse, required, default, source) in enumerate(cells):
            raw = fields[source].strip() if source is not None else ""
            if raw:
                try:
                    row.append(parse(raw))
                    continue
                except BadValue as exc:
                    problems.append(Problem(file, line, name, str(exc)))
            elif not required:
                row.append(default)
                continue
            elif source is not None:
                # An absent required column is reported once, in the header, not on every row.
                problems.append(Problem(file, line, name, "required, but blank"))
            row.append(None)
            bad.append(position)
        for positions, rule in rules:
            # The rules only see cells that parsed, so a bad date is not also "before" another.
            if bad and any(i in bad for i in positions):
                continue
            finding = rule(*[row[i] for i in positions])
            if finding:
                problems.append(Problem(file, line, *finding))
        return tuple(row)

    return check


def describe(columns: tuple[str, ...], values: Row) -> str:
    return " with ".join(
        f"{c} {v!r}" if isinstance(v, str) else f"{c} {v}" for c, v in zip(columns, values, strict=True)
    )
