"""Queue one row per saved response; drop the item rows and the score index that no query read.

The answers column already holds every item, and the rollups hold every item mean, so `response_items`
was written on every save and read by nothing; so was the index on (scale, score). A one-row lease lets
one process at a time fold the queue for everyone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:50:00.000000
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from quiz.store.records import VALUE_NAMES, Rollup
from quiz.store.writes import flush_rollup

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

previous = importlib.import_module("quiz.store.migrations.versions.0002_rollup_queues")
OLD_QUEUES = tuple(previous.ROLLUPS)  # outcomes, scales, items, plane, alpha


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    _fold_old_queues(bind)
    for name in OLD_QUEUES:
        op.drop_table(f"queue_{name}")
    op.drop_table("response_items")
    op.drop_index("ix_response_scores_scale_score", table_name="response_scores")
    op.create_table(
        "queue",
        sa.Column("response_id", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *previous._group(),
        sa.Column("contributions", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("response_id"),
        sqlite_with_rowid=False,
    )
    lease = op.create_table(
        "fold_lease",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(lease, [{"id": 1, "until": 0.0}])


def downgrade() -> None:
    """Revert this revision; queued contributions must have been folded into the rollups first."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM queue LIMIT 1")).first() is not None:
        raise RuntimeError("the rollup queue is not empty: open the dashboard (which folds it) first")
    op.drop_table("queue")
    op.drop_table("fold_lease")
    for name, (extra, values) in previous.ROLLUPS.items():
        op.create_table(
            f"queue_{name}",
            previous._text("response_id", 24),
            sa.Column("day", sa.Date(), nullable=False),
            *previous._group(),
            *extra(),
            *values(),
            sa.PrimaryKeyConstraint("response_id", *previous._extra(name)),
            sqlite_with_rowid=False,
        )
    op.create_index("ix_response_scores_scale_score", "response_scores", ["scale", "score"])
    items = op.create_table(
        "response_items",
        sa.Column("response_id", sa.String(length=24), nullable=False),
        previous._text("item"),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "item"),
        sqlite_with_rowid=False,
    )
    # Refill the item rows from the answers, which hold every item.
    for response_id, text in bind.execute(sa.text("SELECT id, CAST(answers AS TEXT) FROM responses")):
        answers = json.loads(text)
        rows = [{"response_id": response_id, "item": k, "value": v} for k, v in answers.items() if type(v) is int]
        if rows:
            op.bulk_insert(items, rows)


def _fold_old_queues(bind: sa.Connection) -> None:
    """Add whatever the five old queues still hold to the rollups, so no saved response goes uncounted."""
    rollup = Rollup()
    for name in OLD_QUEUES:
        values = VALUE_NAMES[f"daily_{name}"]
        keys = ["day", "quiz_id", "bank_version", "origin", *previous._extra(name)]
        sums = ", ".join(f"CAST(SUM({v}) AS FLOAT)" for v in values)  # PostgreSQL would sum BIGINT as NUMERIC
        grouped = f"SELECT {', '.join(keys)}, {sums} FROM queue_{name} GROUP BY {', '.join(keys)}"
        rollup.add_rows(f"daily_{name}", bind.execute(sa.text(grouped)))
    flush_rollup(bind, rollup)
