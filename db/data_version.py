"""The data version: bumped inside every writing transaction, read by the page caches.

`state_version` moves only with writes that can change a loan's state (imports, classification
overrides). Such a write also logs how far back it reaches (`state_changes`), unless it brought the
snapshots up to date itself; a snapshot is stale only once a change reaches back to its date, so recording
a visit, or importing today's repayments, keeps last month-end's snapshot current.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select, update

from dashboard import clock
from db.models import DataVersion, StateChange

# A value for affects_from: the write can change the state at any date.
EVERY_DATE = None


def bump_data_version(
    conn: Connection, *, state: bool = True, affects_from: date | None = EVERY_DATE, logged: bool = True
) -> None:
    """Bump the data version, and with `state` the state version; `logged=False` means the write has
    already updated the snapshots it reaches, so none goes stale."""
    values = {"version": DataVersion.version + 1, "changed_at": clock.now()}
    if state:
        values["state_version"] = DataVersion.state_version + 1
    conn.execute(update(DataVersion).where(DataVersion.id == 1).values(**values))
    if state and logged:
        conn.execute(insert(StateChange).values(version=state_version(conn), affects_from=affects_from))


def data_version(conn: Connection) -> int:
    return conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()


def state_version(conn: Connection) -> int:
    return conn.execute(select(DataVersion.state_version).where(DataVersion.id == 1)).scalar_one()
