"""The data version: bumped inside every writing transaction, read by the page caches.

`state_version` moves only with writes that can change a loan's state (imports, classification
overrides); loan-state snapshots compare against it, so recording a visit keeps them current.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from db.models import DataVersion


def bump_data_version(conn: Connection, *, state: bool = True) -> None:
    values = {"version": DataVersion.version + 1, "changed_at": datetime.now()}
    if state:
        values["state_version"] = DataVersion.state_version + 1
    conn.execute(update(DataVersion).where(DataVersion.id == 1).values(**values))


def data_version(conn: Connection) -> int:
    return conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()


def state_version(conn: Connection) -> int:
    return conn.execute(select(DataVersion.state_version).where(DataVersion.id == 1)).scalar_one()
