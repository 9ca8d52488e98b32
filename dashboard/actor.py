"""Who is acting: the signed-in user as the work functions and the access rules see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # one of db.models.enums.USER_ROLES
    name: str = ""
    staff_id: str | None = None  # officer, collector, risk manager, manager: their staff record
    agency_id: str | None = None  # agency users
    branch_id: str | None = None  # manager, risk manager: the subtree they see
