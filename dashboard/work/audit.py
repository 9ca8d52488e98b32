"""The audit log: who changed which record when, with the values before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from dashboard import clock
from dashboard.actor import Actor
from db.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps({key: _plain(v) for key, v in values.items()}, ensure_ascii=False, sort_keys=True)


def write_audit(
    conn: Connection,
    actor: Actor,
    action: str,
    table: str,
    record_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    conn.execute(
        insert(AuditEntry).values(
            at=clock.now(),
            username=actor.username,
            action=action,
            table_name=table,
            record_key=record_key,
            before=as_json(before),
            after=as_json(after),
        )
    )
