"""Declarative base and the column types every table shares."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import CheckConstraint, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are reproducible on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Money = Numeric(16, 2, asdecimal=True)
Rate = Numeric(10, 6, asdecimal=True)
Key = String(40)

ZERO = Decimal("0")


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """CHECK that a text column holds one of an enumeration (NULL passes; NOT NULL is separate)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name or f"{column}_enum")
