"""Checking a sign-in against the users table, with a growing delay after failures kept in the database.

After POSTLOAN_MAX_ATTEMPTS failed sign-ins in a row (default 5) with one username from one client, the
next attempt from that client for that username must wait: 1 s, then 2, 4, 8... up to
POSTLOAN_LOCK_MINUTES (default 15). There is no hard lock: the failures of one client (an attacker) never
keep the real user of another out, and even on the same client the delay ends. A client failing across
many usernames (password spraying) waits too, after SPRAY_FACTOR times as many failures.

The answer and its time are the same whether the account exists, is disabled or is waiting: a waiting
attempt still makes one bcrypt check (of a dummy hash), and it is refused with the same message for any
username, known or not. Every attempt is a row in login_attempts, an unknown username cut short with a
digest (it may be a password typed into the wrong box); failures are written to the audit log at the first
of a run and every POSTLOAN_MAX_ATTEMPTS-th after it, so a flood of guesses cannot flood the log.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, func, insert, or_, select, update

from dashboard import clock
from dashboard.actor import Actor
from dashboard.auth.users import check_password, hash_password
from dashboard.work.audit import write_audit
from db.models import LoginAttempt, User

USERNAME_LENGTH = 60
CLIENT_LENGTH = 64
# An unknown username is kept as its first characters and a digest: enough to see the same name tried
# again, too little to read a password typed into the username box.
UNKNOWN_SHOWN = 2
# Failures counted for a delay are those of the last day (after the last success).
WINDOW = timedelta(days=1)
SPRAY_FACTOR = 4
# login_attempts.method of the row an administrator's unlock writes: it ends every client's wait.
UNLOCK = "unlock"
# Checked against when no real hash is, so a wrong name or a waiting attempt takes as long as a password.
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
    """The longest delay, in minutes."""
    return env_int("POSTLOAN_LOCK_MINUTES", 15)


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "ok", "wrong" (unknown user, wrong password or disabled), "wait" (too many failures)
    actor: Actor | None = None
    retry_at: datetime | None = None  # "wait": the next attempt is checked from then

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def recorded_name(username: str, known: bool) -> str:
    """The username as login_attempts and the audit log keep it: in full when it is an account's, else cut
    to its first characters and a digest."""
    if known:
        return username
    digest = hashlib.sha256(username.encode()).hexdigest()[:10]
    return f"{username[:UNKNOWN_SHOWN]}…#{digest}"


def delay(failures: int) -> timedelta:
    """How long after the last of `failures` failures in a row the next attempt waits."""
    limit = max_attempts()
    if failures < limit:
        return timedelta(0)
    seconds = 2 ** min(failures - limit, 20)
    return timedelta(seconds=min(seconds, lock_minutes() * 60))


def attempt_login(
    engine: Engine, username: str, password: str, now: datetime | None = None, client: str | None = None
) -> Attempt:
    """Check one sign-in from `client` (the address it came from); record it."""
    now = now or clock.now()
    username = username.strip().lower()[:USERNAME_LENGTH]
    client = (client or "unknown")[:CLIENT_LENGTH]
    with engine.begin() as conn:
        user = conn.execute(select(User.__table__).where(User.username == username)).first()
        name = recorded_name(username, user is not None)
        retry_at = _retry_at(conn, name, client, now)
        if retry_at is not None:
            check_password(password, _DUMMY_HASH)
            return _failed(conn, name, client, now, "waiting")
        if user is None:
            check_password(password, _DUMMY_HASH)
            return _failed(conn, name, client, now, "unknown user")
        if not check_password(password, user.password_hash):
            return _wrong_password(conn, user, client, now)
        if user.disabled:
            return _failed(conn, name, client, now, "disabled")
        conn.execute(
            update(User).where(User.username == username).values(failed_attempts=0, locked_until=None)
        )
        log_attempt(conn, username, now, success=True, client=client)
        return Attempt("ok", actor_of(user))


def actor_of(user: Row[Any]) -> Actor:
    return Actor(
        username=user.username,
        role=user.role,
        name=user.name,
        staff_id=user.staff_id,
        agency_id=user.agency_id,
        branch_id=user.branch_id,
    )


def _failures(conn: Connection, now: datetime, **match: str) -> tuple[int, datetime | None]:
    """Failures in a row (since the last success, within WINDOW) of the attempts matching, and the last."""
    a = LoginAttempt
    where = [getattr(a, column) == value for column, value in match.items()]
    since = now - WINDOW
    ended = and_(*where, a.success.is_(True))
    if "username" in match:  # an administrator's unlock ends the run of that username from every client
        ended = or_(ended, and_(a.username == match["username"], a.method == UNLOCK))
    last_ok = conn.execute(select(func.max(a.at)).where(ended, a.at > since)).scalar()
    count, last = conn.execute(
        select(func.count(), func.max(a.at)).where(
            *where, a.success.is_(False), a.at > (last_ok or since), a.method == "password"
        )
    ).one()
    return int(count), last


def _retry_at(conn: Connection, name: str, client: str, now: datetime) -> datetime | None:
    """When this username may next be tried from this client, if that is later than now."""
    waits = []
    count, last = _failures(conn, now, username=name, client=client)
    if last is not None and count >= max_attempts():
        waits.append(last + delay(count))
    count, last = _failures(conn, now, client=client)
    if last is not None and count >= SPRAY_FACTOR * max_attempts():
        waits.append(last + delay(count - (SPRAY_FACTOR - 1) * max_attempts()))
    later = [at for at in waits if at > now]
    return max(later) if later else None


def _wrong_password(conn: Connection, user: Row[Any], client: str, now: datetime) -> Attempt:
    # One UPDATE with the arithmetic in SQL, so two wrong passwords at once both count (the Users page
    # shows the count; the delay is counted from login_attempts, per client).
    conn.execute(
        update(User).where(User.username == user.username).values(failed_attempts=User.failed_attempts + 1)
    )
    return _failed(conn, user.username, client, now, "wrong password")


def _failed(conn: Connection, name: str, client: str, now: datetime, reason: str) -> Attempt:
    """Log a failure; the answer says when the next attempt is checked if this one started (or, made while
    waiting, lengthened) a wait."""
    log_attempt(conn, name, now, success=False, client=client)
    count, _ = _failures(conn, now, username=name, client=client)
    retry_at = _retry_at(conn, name, client, now)
    if count == 1 or count % max_attempts() == 0:
        after: dict[str, object] = {"reason": reason, "failures_in_a_row": count, "client": client}
        if retry_at is not None:
            after["retry_at"] = retry_at
        write_audit(conn, Actor(username=name, role="unknown"), "login_failed", "users", name, None, after)
    return Attempt("wait" if retry_at else "wrong", retry_at=retry_at)


def log_attempt(
    conn: Connection,
    username: str,
    now: datetime,
    *,
    success: bool,
    client: str | None,
    method: str = "password",
) -> None:
    conn.execute(
        insert(LoginAttempt).values(
            username=username[:USERNAME_LENGTH],
            at=now,
            success=success,
            client=(client or "unknown")[:CLIENT_LENGTH],
            method=method,
        )
    )
