"""How far back an import changes loan state: for each loan whose state-bearing rows it adds or changes, the
earliest as-of date whose state can differ. Rows equal to the stored ones reach nothing, so importing the
same extract twice leaves every loan-state snapshot current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, select

from dashboard.importer.spec import FileSpec
from db.models import Base


@dataclass(frozen=True)
class StateColumns:
    """The columns of a table that loan state is computed from, and the one date from which a row of it
    counts (a loan exists from disbursement, an instalment is past due after its due date, a payment
    counts from the day it is paid, an override from its effective date)."""

    counts_from: str
    compared: tuple[str, ...]


STATE_TABLES = {
    "loans": StateColumns("disbursed_on", ("principal", "disbursed_on", "written_off_on")),
    "schedule": StateColumns("due_on", ("due_on", "principal_due", "interest_due")),
    "repayments": StateColumns(
        "paid_on", ("loan_id", "instalment_no", "paid_on", "principal_paid", "interest_paid")
    ),
    "classification_overrides": StateColumns("effective_on", ("classification",)),
    # A restructured loan is at least substandard from restructured_on (dashboard.kpi.restructured).
    "restructurings": StateColumns("restructured_on", ("loan_id", "restructured_on")),
}


# What dashboard.kpi.groups sums the snapshots by: a loan moving changes no state but the groups.
DIMENSIONS = ("branch_id", "product_id", "channel_id", "officer_id")


@dataclass
class StateReach:
    loans: dict[str, date] = field(default_factory=dict)  # loan id -> earliest date its state can change
    moved: bool = False  # a stored loan changed branch, product, channel or officer

    def add(self, loan_id: str, since: date) -> None:
        known = self.loans.get(loan_id)
        self.loans[loan_id] = since if known is None or since < known else known

    @property
    def earliest(self) -> date | None:
        return min(self.loans.values(), default=None)


def note_changes(
    conn: Connection, spec: FileSpec, batch: Sequence[dict[str, object]], reach: StateReach
) -> None:
    """Add to `reach` what writing `batch` (rows by column name) over the stored rows would change. Call it
    before the batch is written."""
    columns = STATE_TABLES.get(spec.table)
    if columns is None or not batch:
        return
    table = Base.metadata.tables[spec.table]
    dimensions = DIMENSIONS if spec.table == "loans" else ()
    wanted = {*spec.key, "loan_id", columns.counts_from, *columns.compared, *dimensions}
    query = select(*(table.c[name] for name in sorted(wanted)))
    if len(spec.key) == 1:
        (key,) = spec.key
        query = query.where(table.c[key].in_({row[key] for row in batch}))
    else:  # (loan_id, instalment_no) or (loan_id, effective_on): fetch the batch's loans, match by key
        query = query.where(table.c.loan_id.in_({row["loan_id"] for row in batch}))
    stored = {tuple(row[k] for k in spec.key): row for row in conn.execute(query).mappings()}
    for row in batch:
        old = stored.get(tuple(row[k] for k in spec.key))
        if old is not None and any(old[name] != row[name] for name in dimensions):
            reach.moved = True
        if old is not None and all(old[name] == row[name] for name in columns.compared):
            continue
        reach.add(str(row["loan_id"]), _as_date(row[columns.counts_from]))
        if old is not None:
            reach.add(str(old["loan_id"]), _as_date(old[columns.counts_from]))


def _as_date(value: object) -> date:
    assert isinstance(value, date)
    return value
