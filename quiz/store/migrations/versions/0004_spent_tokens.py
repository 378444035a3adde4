"""TEMPORARY: spent_tokens until the plain store lands (its single initial migration has this table).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "spent_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """Revert this revision; IF EXISTS, since SQLite commits the drop even when a later downgrade step fails."""
    op.execute("DROP TABLE IF EXISTS spent_tokens")
