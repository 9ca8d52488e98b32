"""classification: DPD floors per product

`products.dpd_floors` ("S/D/L", e.g. 90/120/180 for a credit card; NULL: the settings' floors). Class is
derived from DPD at query time (snapshots keep the oldest unpaid due date, not the class), so no snapshot
needs rebuilding when floors change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("dpd_floors", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the table loans refer to.
    op.drop_column("products", "dpd_floors")
