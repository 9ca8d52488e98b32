"""sessions and sign-in throttling: server-side sessions, the client of each sign-in attempt

`sign_in_sessions`: one row per sign-in; the browser's cookie carries only its random id (the row keeps a
SHA-256 of it, so a copy of the table signs no one in). A session ends when it is revoked (sign-out, the
user disabled), idle for longer than the idle time or older than the absolute lifetime; the cookie is
then refused on the server whatever its own expiry says.

`login_attempts.client` (the address the attempt came from) and `.method` ("password" or "cookie"): the
growing delay after failed passwords is kept per username and client, so one client's failures cannot
keep the real user of another out, and sign-ins by cookie are logged too.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("login_attempts", sa.Column("client", sa.String(length=64), nullable=True))
    op.add_column(
        "login_attempts",
        sa.Column("method", sa.String(length=10), server_default="password", nullable=False),
    )
    op.create_index("ix_login_attempts_client_at", "login_attempts", ["client", "at"])
    op.create_table(
        "sign_in_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_sign_in_sessions_expires_after_created")),
        sa.ForeignKeyConstraint(
            ["username"], ["users.username"], name=op.f("fk_sign_in_sessions_username_users")
        ),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_sign_in_sessions")),
    )
    op.create_index("ix_sign_in_sessions_username", "sign_in_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_sessions_username", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
    op.drop_index("ix_login_attempts_client_at", table_name="login_attempts")
    # Plain DROP COLUMN (SQLite 3.35+), as 0009 does.
    op.drop_column("login_attempts", "method")
    op.drop_column("login_attempts", "client")
