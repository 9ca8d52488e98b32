"""The people who sign in: add, reset a password, disable, enable, unlock, list. Used by `postloan user` and
the admin's Users page; every change goes through saving.save, so it is audited (never with the hash).

Passwords are stored only as bcrypt hashes. Usernames are lower case: the sign-in form lower-cases what is
typed before it is checked.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from typing import Any

import bcrypt
import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.passwords import password_problem
from dashboard.auth.sessions import revoke_user
from dashboard.work.access import require
from dashboard.work.errors import FormInvalid, Message, NotAllowed, message
from dashboard.work.saving import Change, Saved, save
from db.models import Agency, Branch, LoginAttempt, Staff, User
from db.models.enums import USER_ROLES

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,59}$")
MAX_NAME = 200
BCRYPT_ROUNDS = 12  # the library default; the tests lower it to keep hashing fast
# Which record each role must be tied to: the work functions need it (visitor, collector, agency).
REQUIRED_TIE = {
    "officer": "staff_id",
    "collector": "staff_id",
    "agency": "agency_id",
    "asset_preservation": "staff_id",
}
LIST_COLUMNS = [
    "username",
    "name",
    "role",
    "staff_id",
    "agency_id",
    "branch_id",
    "disabled",
    "failed_attempts",
    "locked_until",
]


@dataclass(frozen=True)
class NewUser:
    username: str
    name: str
    role: str
    password: str
    staff_id: str | None = None
    agency_id: str | None = None
    branch_id: str | None = None


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:  # a password over 72 bytes, or a malformed hash: never a match
        return False


def new_password(length: int = 14) -> str:
    """A random password of letters and digits, for the demo users and a reset by an admin. Drawn again in
    the rare case the rules refuse it (a run of letters that spells a word or a keyboard row), so a
    generated password is always accepted."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if password_problem(password) is None:
            return password


def _exists(conn: Connection, column: Any, value: str) -> bool:
    return conn.execute(select(column).where(column == value)).first() is not None


def _problems(conn: Connection, user: NewUser) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    if not USERNAME.match(user.username):
        errors["username"] = message("admin.err.username")
    elif _exists(conn, User.username, user.username):
        errors["username"] = message("admin.err.username_taken", username=user.username)
    if not user.name.strip():
        errors["name"] = message("work.err.required")
    elif len(user.name) > MAX_NAME:
        errors["name"] = message("work.err.too_long", max=MAX_NAME)
    if user.role not in USER_ROLES:
        errors["role"] = message("admin.err.role", roles=", ".join(USER_ROLES))
    for field, column in (
        ("staff_id", Staff.staff_id),
        ("agency_id", Agency.agency_id),
        ("branch_id", Branch.branch_id),
    ):
        value = getattr(user, field)
        if value and not _exists(conn, column, value):
            errors[field] = message("admin.err.unknown", value=value)
        elif not value and REQUIRED_TIE.get(user.role) == field:
            errors[field] = message("admin.err.tie_required", role=user.role)
    problem = password_problem(user.password, (user.username, user.name))
    if problem:
        errors["password"] = problem
    return errors


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a user row: everything but the hash."""
    return {key: value for key, value in row.items() if key != "password_hash"}


def add_user(engine: Engine, actor: Actor, user: NewUser, token: str | None = None) -> Saved:
    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        errors = _problems(conn, user)
        if errors:
            raise FormInvalid(errors)
        row = {
            "username": user.username,
            "name": user.name.strip(),
            "role": user.role,
            "password_hash": hash_password(user.password),
            "staff_id": user.staff_id or None,
            "agency_id": user.agency_id or None,
            "branch_id": user.branch_id or None,
            "disabled": False,
            "failed_attempts": 0,
            "locked_until": None,
        }
        conn.execute(insert(User).values(**row))
        return [Change("insert", "users", user.username, None, _public(row))]

    return save(engine, actor, token, write)


def _row(conn: Connection, username: str) -> dict[str, Any]:
    found = conn.execute(select(*User.__table__.columns).where(User.username == username)).mappings().first()
    if found is None:
        raise NotAllowed("admin.err.no_user", username=username)
    return _public(dict(found))


def _change_user(
    engine: Engine, actor: Actor, username: str, values: dict[str, Any], token: str | None, audit: str
) -> Saved:
    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        before = _row(conn, username)
        conn.execute(update(User).where(User.username == username).values(**values))
        if values.get("disabled") or "password_hash" in values:
            revoke_user(conn, username, clock.now())  # signed in elsewhere: signed out at the next run
        if audit in ("unlock", "reset_password"):
            conn.execute(
                insert(LoginAttempt).values(
                    username=username,
                    at=clock.now(),
                    success=True,
                    client=None,
                    method="unlock",  # login.UNLOCK
                )
            )
        after = _row(conn, username)
        if "password_hash" in values:
            after["password"] = "changed"
        return [Change(audit, "users", username, before, after)]

    return save(engine, actor, token, write)


def reset_password(
    engine: Engine, actor: Actor, username: str, password: str, token: str | None = None
) -> Saved:
    """A new password; the lock and the count of failed attempts are cleared with it."""
    with engine.connect() as conn:  # the person's name: a password made of it is refused
        name = conn.execute(select(User.name).where(User.username == username)).scalar()
    problem = password_problem(password, (username, name))
    if problem:
        raise FormInvalid({"password": problem})
    values = {"password_hash": hash_password(password), "failed_attempts": 0, "locked_until": None}
    return _change_user(engine, actor, username, values, token, "reset_password")


def set_disabled(
    engine: Engine, actor: Actor, username: str, disabled: bool, token: str | None = None
) -> Saved:
    """Disable (no sign-in, and a signed-in session ends at its next rerun) or enable again."""
    if disabled and username == actor.username:
        raise NotAllowed("admin.err.disable_self")
    return _change_user(
        engine, actor, username, {"disabled": disabled}, token, "disable" if disabled else "enable"
    )


def unlock(engine: Engine, actor: Actor, username: str, token: str | None = None) -> Saved:
    """Clear the failures, and end the wait after them from every client (a login_attempts row of method
    "unlock", which dashboard.auth.login counts from)."""
    return _change_user(
        engine, actor, username, {"failed_attempts": 0, "locked_until": None}, token, "unlock"
    )


def list_users(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(select(*(User.__table__.c[name] for name in LIST_COLUMNS)).order_by(User.username))
    return pd.DataFrame(rows.all(), columns=LIST_COLUMNS)


def load_actor(conn: Connection, username: str) -> Actor | None:
    """The user as the work functions see them; None when there is no such user or they are disabled."""
    row = conn.execute(select(User.__table__).where(User.username == username)).first()
    if row is None or row.disabled:
        return None
    return Actor(
        username=row.username,
        role=row.role,
        name=row.name,
        staff_id=row.staff_id,
        agency_id=row.agency_id,
        branch_id=row.branch_id,
    )


def has_users(conn: Connection) -> bool:
    return conn.execute(select(User.username).limit(1)).first() is not None
