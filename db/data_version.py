"""The data version: bumped inside every writing transaction, read by the page caches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from db.models import DataVersion


def bump_data_version(conn: Connection) -> None:
    conn.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=datetime.now())
    )


def data_version(conn: Connection) -> int:
    return conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()
