"""The first schema: responses with typed scores, monthly sums, funnel counts, the coach's settings and sessions.

Revision ID: 0001
Revises: -
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
TABLES = (
    "response_scores",
    "responses",
    "monthly",
    "funnel",
    "settings",
    "coach_sessions",
    "login_failures",
    "spent_tokens",
)


def _text(name: str, length: int = 64) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "responses",
        _text("id", 24),
        _text("quiz_id"),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.String(length=255), nullable=True),
        _text("outcome"),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("careless", sa.Boolean(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_responses_quiz_day", "responses", ["quiz_id", "day"])
    op.create_table(
        "response_scores",
        _text("response_id", 24),
        _text("scale"),
        sa.Column("raw", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "scale"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "monthly",
        _text("quiz_id"),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        _text("origin", 255),
        _text("kind", 16),
        _text("key", 96),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", "month", "bank_version", "origin", "kind", "key"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "funnel",
        _text("quiz_id"),
        sa.Column("day", sa.Date(), nullable=False),
        _text("step"),
        _text("event", 16),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", "day", "step", "event"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "settings", _text("name", 32), sa.Column("value", sa.Text(), nullable=False), sa.PrimaryKeyConstraint("name")
    )
    op.create_table(
        "coach_sessions",
        _text("digest"),
        sa.Column("started", sa.Float(), nullable=False),
        _text("password", 16),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_table(
        "login_failures",
        _text("id", 24),
        _text("digest"),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_digest_at", "login_failures", ["digest", "at"])
    op.create_table(
        "spent_tokens", _text("digest"), sa.Column("day", sa.Date(), nullable=False), sa.PrimaryKeyConstraint("digest")
    )


def downgrade() -> None:
    """Revert this revision."""
    for table in TABLES:
        op.drop_table(table)
