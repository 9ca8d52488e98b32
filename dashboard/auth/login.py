"""Checking a sign-in against the users table, with the lockout kept in the database.

After POSTLOAN_MAX_ATTEMPTS failed passwords in a row (default 5) the account is locked for
POSTLOAN_LOCK_MINUTES (default 15); while locked, no password is even checked. Every attempt is a row in
login_attempts; failures are also written to the audit log. The counts live in the database, not in the
credentials dict streamlit-authenticator keeps per run, so they hold across sessions and processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, select, update

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.users import check_password, hash_password
from dashboard.work.audit import write_audit
from db.models import LoginAttempt, User

USERNAME_LENGTH = 60
# Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = hash_password("not a password of anyone")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name}={raw!r} is not a positive whole number")
    return int(raw)


def max_attempts() -> int:
    return env_int("POSTLOAN_MAX_ATTEMPTS", 5)


def lock_minutes() -> int:
    return env_int("POSTLOAN_LOCK_MINUTES", 15)


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "ok", "wrong" (unknown user, wrong password or disabled), "locked"
    actor: Actor | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def attempt_login(engine: Engine, username: str, password: str, now: datetime | None = None) -> Attempt:
    """Check one sign-in; record it; lock the account on the Nth failure in a row."""
    now = now or clock.now()
    username = username.strip().lower()[:USERNAME_LENGTH]
    with engine.begin() as conn:
        user = conn.execute(select(User.__table__).where(User.username == username)).first()
        if user is None:
            check_password(password, _DUMMY_HASH)
            return _failed(conn, username, now, "unknown user")
        if user.locked_until is not None and user.locked_until > now:
            return _failed(conn, username, now, "locked", locked_until=user.locked_until)
        if not check_password(password, user.password_hash):
            return _wrong_password(conn, user, now)
        if user.disabled:
            return _failed(conn, username, now, "disabled")
        conn.execute(
            update(User).where(User.username == username).values(failed_attempts=0, locked_until=None)
        )
        _log(conn, username, now, success=True)
        return Attempt(
            "ok",
            Actor(
                username=user.username,
                role=user.role,
                name=user.name,
                staff_id=user.staff_id,
                agency_id=user.agency_id,
                branch_id=user.branch_id,
            ),
        )


def _wrong_password(conn: Connection, user: Row[Any], now: datetime) -> Attempt:
    # One UPDATE with the arithmetic in SQL, so two wrong passwords at once both count.
    conn.execute(
        update(User).where(User.username == user.username).values(failed_attempts=User.failed_attempts + 1)
    )
    failures = conn.execute(select(User.failed_attempts).where(User.username == user.username)).scalar_one()
    if failures >= max_attempts():
        until = now + timedelta(minutes=lock_minutes())
        # The count starts again after the lock, so the next lock comes after N more failures.
        conn.execute(
            update(User).where(User.username == user.username).values(failed_attempts=0, locked_until=until)
        )
        return _failed(conn, user.username, now, "locked now", locked_until=until, failures=failures)
    return _failed(conn, user.username, now, "wrong password", failures=failures)


def _failed(
    conn: Connection,
    username: str,
    now: datetime,
    reason: str,
    *,
    locked_until: datetime | None = None,
    failures: int | None = None,
) -> Attempt:
    _log(conn, username, now, success=False)
    after: dict[str, object] = {"reason": reason}
    if failures is not None:
        after["failed_attempts"] = failures
    if locked_until is not None:
        after["locked_until"] = locked_until
    write_audit(
        conn, Actor(username=username, role="unknown"), "login_failed", "users", username, None, after
    )
    return Attempt("locked" if locked_until else "wrong", locked_until=locked_until)


def _log(conn: Connection, username: str, now: datetime, *, success: bool) -> None:
    conn.execute(insert(LoginAttempt).values(username=username, at=now, success=success))
