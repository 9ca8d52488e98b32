"""Sign-in sessions kept on the server (issue 22 item 2), so that a session ends where the server says.

The browser's cookie is signed (streamlit-authenticator's JWT) but carries only the username, its expiry
and the id of the sign-in: a random token of 32 bytes. The sign_in_sessions table keeps that token's
SHA-256 (a copy of the table opens nothing), and a session is valid while its row is not revoked, has
been seen within the idle time and is younger than its absolute lifetime. Signing out revokes the row, so
a copied cookie no longer signs anyone in; disabling a user revokes all their sessions.

Pure SQLAlchemy, no Streamlit: dashboard.auth.signin calls these on each run.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from db.models import SignInSession

# last_seen_at is written at most this often per session: a write on every rerun is not needed to know
# that a session has been idle for minutes.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(
    engine: Engine, username: str, now: datetime, lifetime: timedelta, client: str | None = None
) -> str:
    """Start a session for a sign-in by password; returns its token (for the cookie, never stored)."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            insert(SignInSession).values(
                session_hash=token_hash(token),
                username=username,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
                revoked_at=None,
                client=(client or "")[:64] or None,
            )
        )
    return token


def touch(engine: Engine, token: str, username: str, now: datetime, idle: timedelta) -> bool:
    """Whether the session of this token is valid for this user now (not revoked, not idle longer than
    `idle`, not past its lifetime); when it is, it is marked as seen. An expired session is revoked."""
    key = token_hash(token)
    with engine.begin() as conn:
        row = conn.execute(select(SignInSession.__table__).where(SignInSession.session_hash == key)).first()
        if row is None or row.username != username or row.revoked_at is not None:
            return False
        if now >= row.expires_at or now - row.last_seen_at > idle:
            _revoke(conn, key, now)
            return False
        if now - row.last_seen_at >= TOUCH_EVERY:
            conn.execute(
                update(SignInSession).where(SignInSession.session_hash == key).values(last_seen_at=now)
            )
    return True


def revoke(engine: Engine, token: str, now: datetime) -> None:
    """End the session of this token (sign-out)."""
    with engine.begin() as conn:
        _revoke(conn, token_hash(token), now)


def revoke_user(conn: Connection, username: str, now: datetime) -> None:
    """End every session of a user (disabled, password reset)."""
    conn.execute(
        update(SignInSession)
        .where(SignInSession.username == username, SignInSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _revoke(conn: Connection, key: str, now: datetime) -> None:
    conn.execute(
        update(SignInSession)
        .where(SignInSession.session_hash == key, SignInSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
