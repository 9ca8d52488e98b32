"""Photos as evidence (rule 2: a field visit with photos; issue 16 item 5) on a field-visit action or a visit.

A photo is accepted only when its content is a JPEG or a PNG (the magic bytes, whatever the file is called)
and its size is within the setting `photo_max_bytes`. Photos are kept in the database and are only ever read
through `loan_photos`, which checks the reader's scope on the loan first, so a photo is never served to a
role outside the loan's scope; an agency sees the photos of its own actions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.access import loan_in_scope, require
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.external import sees_internal
from dashboard.work.saving import Change, Saved, save
from db.models import CollectionAction, Photo, Visit

MAX_PHOTOS = 10  # per action or visit, at a time
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


@dataclass(frozen=True)
class PhotoUpload:
    name: str  # the file's name, for messages only: the type comes from the content
    data: bytes


def photo_type(data: bytes) -> str | None:
    """The content type the bytes begin with, or None when they are neither a JPEG nor a PNG."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def check_photos(photos: Sequence[PhotoUpload], config: Config) -> tuple[list[str], Message | None]:
    """The content type of each photo, or the first problem found (count, emptiness, size, type)."""
    if len(photos) > MAX_PHOTOS:
        return [], message("photo.err.count", max=MAX_PHOTOS)
    types = []
    for photo in photos:
        size = len(photo.data)
        if size == 0:
            return [], message("photo.err.empty", name=photo.name)
        if size > config.photo_max_bytes:
            return [], message("photo.err.size", name=photo.name, size=size, max=config.photo_max_bytes)
        content_type = photo_type(photo.data)
        if content_type is None:
            return [], message("photo.err.type", name=photo.name)
        types.append(content_type)
    return types, None


def insert_photos(
    conn: Connection,
    actor: Actor,
    loan_id: str,
    photos: Sequence[PhotoUpload],
    types: Sequence[str],
    moment: datetime,
    *,
    action_id: str | None = None,
    visit_id: str | None = None,
) -> list[Change]:
    """Write checked photos inside the caller's transaction; the audit rows hold what was written but the
    bytes."""
    changes = []
    for photo, content_type in zip(photos, types, strict=True):
        row: dict[str, Any] = {
            "loan_id": loan_id,
            "action_id": action_id,
            "visit_id": visit_id,
            "content_type": content_type,
            "size_bytes": len(photo.data),
            "uploaded_by": actor.username,
            "uploaded_at": moment,
        }
        photo_id = conn.execute(
            insert(Photo).values(**row, data=photo.data).returning(Photo.photo_id)
        ).scalar_one()
        changes.append(Change("insert", "photos", str(photo_id), None, row | {"name": photo.name}))
    return changes


def add_photos(
    engine: Engine,
    actor: Actor,
    *,
    photos: Sequence[PhotoUpload],
    token: str | None,
    config: Config,
    action_id: str | None = None,
    visit_id: str | None = None,
    now: datetime | None = None,
) -> Saved:
    """Attach photos to a field-visit action or a visit already saved, in one transaction with their audit
    rows. The user must be allowed to record that kind of work on the loan, today; an agency only on its own
    actions. FormInvalid names what is wrong with the photos, NotAllowed a record outside the user's reach."""
    moment = now or clock.now()

    def write(conn: Connection) -> list[Change]:
        if (action_id is None) == (visit_id is None):
            raise ValueError("give exactly one of action_id and visit_id")
        if action_id is not None:
            require(actor, "collection_action")
            owner = conn.execute(
                select(CollectionAction.loan_id, CollectionAction.channel, CollectionAction.agency_id).where(
                    CollectionAction.action_id == action_id
                )
            ).first()
            ok = owner is not None and (actor.role != "agency" or owner.agency_id == actor.agency_id)
            if owner is not None and owner.channel != "field_visit":
                raise FormInvalid({"photos": message("photo.err.channel")})
        else:
            require(actor, "visit")
            owner = conn.execute(select(Visit.loan_id).where(Visit.visit_id == visit_id)).first()
            ok = owner is not None
        if not ok or owner is None or not loan_in_scope(conn, actor, owner.loan_id, moment.date()):
            raise NotAllowed("work.err.record_out_of_scope", record=action_id or visit_id)
        types, problem = check_photos(photos, config)
        if problem is None and not photos:
            problem = message("work.err.required")
        if problem is not None:
            raise FormInvalid({"photos": problem})
        return insert_photos(
            conn, actor, owner.loan_id, photos, types, moment, action_id=action_id, visit_id=visit_id
        )

    return save(engine, actor, token, write)


def loan_photos(conn: Connection, actor: Actor, loan_id: str, on: date | None = None) -> list[dict[str, Any]]:
    """The loan's photos, oldest first (photo_id, content_type, size_bytes, data, uploaded_at, action_id,
    visit_id); nothing at all for a loan outside the user's scope. An agency gets the photos of its own
    actions only: visits and the lender's actions are internal."""
    if not loan_id or "\x00" in loan_id or not loan_in_scope(conn, actor, loan_id, on):
        return []
    query = (
        select(
            Photo.photo_id,
            Photo.content_type,
            Photo.size_bytes,
            Photo.data,
            Photo.uploaded_at,
            Photo.action_id,
            Photo.visit_id,
        )
        .where(Photo.loan_id == loan_id)
        .order_by(Photo.uploaded_at, Photo.photo_id)
    )
    if not sees_internal(actor):
        query = query.join(CollectionAction, CollectionAction.action_id == Photo.action_id).where(
            CollectionAction.agency_id == actor.agency_id
        )
    return [dict(row._mapping) for row in conn.execute(query)]
