"""What each file of the extract (DOMAIN section 5) holds, derived from the table models.

Types, lengths, NOT NULL, keys and foreign keys come from db/models so the importer checks exactly what the
database would refuse; only the enumerations and the row rules (rules.py) are named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, Numeric, String, Table

from dashboard.importer import values
from dashboard.importer.rules import RULES, Rule
from db.models import Base
from db.models import enums as e

# The extract's tables, then the files the lender keeps beside it: the working-day calendar and the
# early-warning signals from outside (issue 17).
LOAD_ORDER = (*e.EXTRACT_TABLES, "workdays", "signals")
# Files named other than their table.
REQUIRED_FILES = ("loans.csv", "schedule.csv")

ENUMERATIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("staff", "role"): e.STAFF_ROLES,
    ("products", "category"): e.PRODUCT_CATEGORIES,
    ("products", "repayment_method"): e.REPAYMENT_METHODS,
    ("customers", "credit_grade"): e.CREDIT_GRADES,
    ("customers", "repayment_capacity"): e.REPAYMENT_CAPACITIES,
    ("loans", "payment_mode"): e.PAYMENT_MODES,
    ("collection_actions", "channel"): e.ACTION_CHANNELS,
    ("collection_actions", "result"): e.ACTION_RESULTS,
    ("inspections", "kind"): e.INSPECTION_KINDS,
    ("inspections", "method"): e.INSPECTION_METHODS,
    ("visits", "method"): e.VISIT_METHODS,
    ("visits", "stage"): e.VISIT_STAGES,
    ("issues", "severity"): e.SEVERITIES,
    ("classification_overrides", "classification"): e.CLASSES,
    ("legal_cases", "stage"): e.LEGAL_STAGES,
    ("signals", "kind"): e.SIGNAL_KINDS,
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # in the file's header
    parse: values.Parser
    required: bool  # NOT NULL without a default: the header must have it and no cell may be blank
    default: Any  # what a blank cell becomes when not required
    column: str  # in the table (the same but where FILE_COLUMNS renames it)


@dataclass(frozen=True)
class Reference:
    columns: tuple[str, ...]
    table: str
    target: tuple[str, ...]


@dataclass(frozen=True)
class FileSpec:
    table: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...]
    rules: tuple[Rule, ...]

    @property
    def file_name(self) -> str:
        return f"{FILE_NAMES.get(self.table, self.table)}.csv"

    @cached_property
    def names(self) -> tuple[str, ...]:
        """The columns as the file's header names them."""
        return tuple(c.name for c in self.columns)

    @cached_property
    def table_columns(self) -> tuple[str, ...]:
        """The same columns as the table names them: what the writes use."""
        return tuple(c.column for c in self.columns)


# Files named apart from their table, and columns named apart from the table's column (table, column) ->
# header name: the extract speaks of a collector where the table keeps the staff id.
FILE_NAMES = {"collector_assignments": "assignments", "workdays": "calendar"}
FILE_COLUMNS = {("collector_assignments", "staff_id"): "collector_id"}

# Columns whose cells have a form of their own, beyond the type of the database column.
PARSERS: dict[tuple[str, str], values.Parser] = {("products", "dpd_floors"): values.parse_dpd_floors}


def _parser(table: str, column: Column[Any]) -> values.Parser:
    if (table, column.name) in PARSERS:
        return PARSERS[(table, column.name)]
    enumeration = ENUMERATIONS.get((table, column.name))
    if enumeration:
        return values.one_of(enumeration)
    kind = column.type
    if isinstance(kind, Boolean):
        return values.parse_boolean
    if isinstance(kind, DateTime):
        return values.parse_datetime
    if isinstance(kind, Date):
        return values.parse_date
    if isinstance(kind, Integer):
        return values.parse_integer
    if isinstance(kind, Numeric):
        return values.decimal(kind.precision, kind.scale)
    if isinstance(kind, String):
        return values.text(kind.length)
    raise TypeError(f"no CSV parser for {table}.{column.name} of type {kind!r}")


def _file_spec(table: Table) -> FileSpec:
    columns = []
    for column in table.columns:
        if column.info.get("derived"):  # kept by the application from the imported columns
            continue
        # A key has no default in the file: an id the app would make up (assignments) is the extract's own.
        default = column.default.arg if column.default is not None and not column.primary_key else None
        required = not column.nullable and (column.default is None or column.primary_key)
        name = FILE_COLUMNS.get((table.name, column.name), column.name)
        columns.append(ColumnSpec(name, _parser(table.name, column), required, default, column.name))
    position = {name: i for i, name in enumerate(table.columns.keys())}
    header = {c.column: c.name for c in columns}
    # Single-column references first, so a repayment with an unknown loan is not also reported as
    # pointing at an unknown instalment; then by column, as the constraints come as an unordered set.
    foreign_keys = sorted(
        table.foreign_key_constraints,
        key=lambda fk: (len(fk.columns), [position[c.name] for c in fk.columns]),
    )
    references = tuple(
        Reference(
            tuple(header[c.name] for c in fk.columns),
            fk.referred_table.name,
            tuple(element.column.name for element in fk.elements),
        )
        for fk in foreign_keys
    )
    return FileSpec(
        table=table.name,
        columns=tuple(columns),
        key=tuple(c.name for c in table.primary_key.columns),
        references=references,
        rules=RULES.get(table.name, ()),
    )


SPECS: dict[str, FileSpec] = {name: _file_spec(Base.metadata.tables[name]) for name in LOAD_ORDER}
BY_FILE_NAME: dict[str, FileSpec] = {spec.file_name: spec for spec in SPECS.values()}
