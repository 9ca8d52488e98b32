"""Where generated rows go: the tables in load order, with ids numbered across chunks."""

from __future__ import annotations

from decimal import Decimal

from db.models.enums import EXTRACT_TABLES

# Parents before children, so the order is also the order to load them in.
TABLES = EXTRACT_TABLES

_ID_FORMATS = {
    "customers": "C{:08d}",
    "loans": "L{:08d}",
    "repayments": "R{:09d}",
    "placements": "PL{:07d}",
    "collection_actions": "A{:09d}",
    "inspections": "IN{:08d}",
    "visits": "V{:08d}",
    "issues": "IS{:07d}",
    "collector_assignments": "AS{:08d}",
}

Tables = dict[str, list[dict]]


def empty_tables() -> Tables:
    return {name: [] for name in TABLES}


_CENT = Decimal("0.01")


def yuan(cents: int) -> Decimal:
    # Multiplying by 0.01 is exact and keeps two decimal places like scaleb(-2), in half the time.
    return Decimal(cents) * _CENT


class Sink:
    def __init__(self) -> None:
        self.tables = empty_tables()
        self._last_id = dict.fromkeys(_ID_FORMATS, 0)

    def new_id(self, table: str) -> str:
        self._last_id[table] += 1
        return _ID_FORMATS[table].format(self._last_id[table])

    def add(self, table: str, row: dict) -> None:
        self.tables[table].append(row)

    def take(self) -> Tables:
        """The rows gathered since the last take; the id numbering carries on."""
        tables, self.tables = self.tables, empty_tables()
        return tables
