"""The file specs follow the schema, so the importer refuses what the database would refuse, and no more."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import CheckConstraint

from dashboard.importer.spec import ENUMERATIONS, LOAD_ORDER, SPECS
from dashboard.importer.values import BadValue, decimal, parse_date, parse_datetime, parse_integer
from db.models import Base


def test_references_point_at_keys_of_tables_loaded_earlier() -> None:
    for table, spec in SPECS.items():
        for reference in spec.references:
            assert reference.target == SPECS[reference.table].key, (table, reference)
            assert LOAD_ORDER.index(reference.table) <= LOAD_ORDER.index(table), (table, reference)


def test_every_enumeration_check_of_the_schema_has_its_list() -> None:
    in_schema = {}
    for table in LOAD_ORDER:
        for constraint in Base.metadata.tables[table].constraints:
            if isinstance(constraint, CheckConstraint):
                found = re.fullmatch(r"(\w+) IN \((.*)\)", str(constraint.sqltext))
                if found:
                    in_schema[(table, found[1])] = tuple(re.findall(r"'([^']*)'", found[2]))
    assert in_schema == ENUMERATIONS


def test_rules_name_columns_of_their_table() -> None:
    for table, spec in SPECS.items():
        for rule in spec.rules:
            assert set(rule.columns) <= set(spec.names), table


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (decimal(16, 2), "1234.5", Decimal("1234.5")),
        (decimal(16, 2), "-0.01", Decimal("-0.01")),
        (decimal(16, 2), "12345678901234.99", Decimal("12345678901234.99")),
        (decimal(10, 6), "0.043500", Decimal("0.0435")),
        (parse_integer, "007", 7),
        (parse_date, "2024-02-29", date(2024, 2, 29)),
    ],
)
def test_values_that_parse(parse, text, value) -> None:  # type: ignore[no-untyped-def]
    assert parse(text) == value


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (
            decimal(16, 2),
            "1e5",
            "'1e5' is not an amount (expected a number with at most 2 decimals, like 1234.56)",
        ),
        (decimal(16, 2), "1,000.00", "'1,000.00' is not an amount"),
        (decimal(16, 2), "１２", "'１２' is not an amount"),
        (
            decimal(16, 2),
            "123456789012345",
            "'123456789012345' is too large (at most 14 digits before the point)",
        ),
        (
            decimal(10, 6),
            "0.1234567",
            "'0.1234567' is not a decimal (expected a number with at most 6 decimals",
        ),
        (parse_integer, "2147483648", "'2147483648' is too large (at most 2147483647)"),
        (parse_date, "20240101", "'20240101' is not a date (expected YYYY-MM-DD)"),
        (parse_date, "2024-02-30", "'2024-02-30' is not a date"),
        (parse_datetime, "2024-02-03T10:11:12+08:00", "'2024-02-03T10:11:12+08:00' is not a date-time"),
    ],
)
def test_values_that_do_not_parse(parse, text, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadValue) as refused:
        parse(text)
    assert str(refused.value).startswith(message)
