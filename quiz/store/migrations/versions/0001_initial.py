"""Anonymous responses with typed scores and items, daily and monthly rollups, and funnel counts.

Revision ID: 0001
Revises: -
Create Date: 2026-11-27 08:49:01.923102
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


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "daily_alpha",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("scale", sa.String(length=64), nullable=False),
        sa.Column("part", sa.String(length=64), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "quiz_id", "bank_version", "origin", "scale", "part"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_items",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "quiz_id", "bank_version", "origin", "item"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_outcomes",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("crisis", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "quiz_id", "bank_version", "origin", "outcome"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_plane",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("h_bin", sa.Integer(), nullable=False),
        sa.Column("b0", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b1", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b2", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b3", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b4", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b5", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b6", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b7", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b8", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b9", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "quiz_id", "bank_version", "origin", "h_bin"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_scales",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("scale", sa.String(length=64), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.Column("b0", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b1", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b2", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b3", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b4", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b5", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b6", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b7", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b8", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b9", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "quiz_id", "bank_version", "origin", "scale"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "funnel",
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", "day", "step", "event"),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.String(length=255), nullable=True),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("careless", sa.Boolean(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index("ix_responses_day", ["day"], unique=False)
        batch_op.create_index("ix_responses_quiz_day", ["quiz_id", "day"], unique=False)

    op.create_table(
        "response_items",
        sa.Column("response_id", sa.String(length=24), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "item"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "response_scores",
        sa.Column("response_id", sa.String(length=24), nullable=False),
        sa.Column("scale", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "scale"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("response_scores", schema=None) as batch_op:
        batch_op.create_index("ix_response_scores_scale_score", ["scale", "score"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("response_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_response_scores_scale_score")

    op.drop_table("response_scores")
    op.drop_table("response_items")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index("ix_responses_quiz_day")
        batch_op.drop_index("ix_responses_day")

    op.drop_table("responses")
    op.drop_table("funnel")
    op.drop_table("daily_scales")
    op.drop_table("daily_plane")
    op.drop_table("daily_outcomes")
    op.drop_table("daily_items")
    op.drop_table("daily_alpha")
