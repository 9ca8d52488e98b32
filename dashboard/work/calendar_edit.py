"""Admins' edits of the working-day calendar (Settings page): a date at a time or a calendar.csv, audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Engine, select

from dashboard.actor import Actor
from dashboard.importer import ExtractInvalid, load_tables, validate_tables
from dashboard.importer.read import Source
from dashboard.work.access import require
from dashboard.work.errors import FormInvalid, message
from dashboard.work.saving import Change, Saved, save
from dashboard.workdays import INSERTS, renumber
from db.models import Workday

CALENDAR_FILE = "calendar.csv"


def set_workday(
    engine: Engine, actor: Actor, day: date | None, is_workday: bool | None, token: str | None
) -> Saved:
    """An admin sets one date working or not (a holiday announced late, a make-up day), audited."""

    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        if day is None:
            raise FormInvalid({"date": message("work.err.required")})
        if is_workday is None:
            raise FormInvalid({"is_workday": message("work.err.required")})
        before = conn.execute(select(Workday.is_workday).where(Workday.day == day)).scalar()
        statement = INSERTS[conn.dialect.name](Workday).values({"date": day, "is_workday": is_workday})
        conn.execute(
            statement.on_conflict_do_update(index_elements=["date"], set_={"is_workday": is_workday})
        )
        renumber(conn)
        return [
            Change(
                "insert" if before is None else "update",
                "workdays",
                day.isoformat(),
                None if before is None else {"is_workday": bool(before)},
                {"is_workday": is_workday},
            )
        ]

    return save(engine, actor, token, write)


def upload_calendar(engine: Engine, actor: Actor, data: Source, token: str | None) -> Saved:
    """An admin's calendar.csv (DOMAIN section 5) for the years the package lacks: checked like the extract,
    all or nothing (ExtractInvalid lists every file:line problem), one audit row for the file."""

    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        checked = validate_tables(conn, {CALENDAR_FILE: data}, required=(CALENDAR_FILE,))
        if checked.problems:
            raise ExtractInvalid(checked.problems)
        rows = checked.rows["workdays"]
        load_tables(conn, checked.rows)
        days = sorted(row[0] for row in rows)
        summary = {"rows": len(rows), "from": days[0] if days else None, "to": days[-1] if days else None}
        return [Change("import", "workdays", CALENDAR_FILE, None, summary)]

    return save(engine, actor, token, write)
