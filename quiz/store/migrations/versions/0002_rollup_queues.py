"""Queue each save's rollup contributions; cluster rollups by grain, quiz, day and the funnel by quiz, event, step.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:10:00.000000
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BINS = tuple(f"b{i}" for i in range(10))
OLD_ROLLUP_KEY = ("grain", "day", "quiz_id", "bank_version", "origin")
NEW_ROLLUP_KEY = ("grain", "quiz_id", "day", "bank_version", "origin")
OLD_FUNNEL_KEY = ("quiz_id", "day", "step", "event")
NEW_FUNNEL_KEY = ("quiz_id", "event", "step", "day")


def _text(name: str, length: int = 64) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False)


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.BigInteger(), server_default="0", nullable=False) for n in names]


def _sums() -> list[sa.Column]:
    return [
        *_counts("n"),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
    ]


def _group() -> list[sa.Column]:
    return [_text("quiz_id"), sa.Column("bank_version", sa.Integer(), nullable=False), _text("origin", 255)]


# name -> (extra key columns, value columns), as in 0001
ROLLUPS: dict[str, tuple[Callable[[], list[sa.Column]], Callable[[], list[sa.Column]]]] = {
    "outcomes": (lambda: [_text("outcome")], lambda: _counts("n", "crisis")),
    "scales": (lambda: [_text("scale")], lambda: [*_sums(), *_counts(*BINS)]),
    "items": (lambda: [_text("item")], _sums),
    "plane": (lambda: [sa.Column("h_bin", sa.Integer(), nullable=False)], lambda: _counts(*BINS)),
    "alpha": (lambda: [_text("scale"), _text("part")], _sums),
}


def _funnel_columns() -> list[sa.Column]:
    return [
        _text("quiz_id"),
        sa.Column("day", sa.Date(), nullable=False),
        _text("step"),
        _text("event", 16),
        sa.Column("count", sa.BigInteger(), nullable=False),
    ]


def _rollup_columns(name: str) -> list[sa.Column]:
    extra, values = ROLLUPS[name]
    return [_text("grain", 1), sa.Column("day", sa.Date(), nullable=False), *_group(), *extra(), *values()]


def _extra(name: str) -> list[str]:
    return [c.name for c in ROLLUPS[name][0]()]


def upgrade() -> None:
    """Apply this revision."""
    for name, (extra, values) in ROLLUPS.items():
        op.create_table(
            f"queue_{name}",
            _text("response_id", 24),
            sa.Column("day", sa.Date(), nullable=False),
            *_group(),
            *extra(),
            *values(),
            sa.PrimaryKeyConstraint("response_id", *_extra(name)),
            sqlite_with_rowid=False,
        )
    for name in ROLLUPS:
        _recluster(f"daily_{name}", partial(_rollup_columns, name), [*NEW_ROLLUP_KEY, *_extra(name)])
    _recluster("funnel", _funnel_columns, NEW_FUNNEL_KEY)


def downgrade() -> None:
    """Revert this revision; queued contributions must have been folded into the rollups first."""
    bind = op.get_bind()
    for name in ROLLUPS:
        if bind.execute(sa.text(f"SELECT 1 FROM queue_{name} LIMIT 1")).first() is not None:
            raise RuntimeError("the rollup queues are not empty: open the dashboard (which folds them) first")
    for name in ROLLUPS:
        op.drop_table(f"queue_{name}")
        _recluster(f"daily_{name}", partial(_rollup_columns, name), [*OLD_ROLLUP_KEY, *_extra(name)])
    _recluster("funnel", _funnel_columns, OLD_FUNNEL_KEY, clustered=False)


def _recluster(table: str, columns: Callable[[], list[sa.Column]], key: Sequence[str], clustered: bool = True) -> None:
    """Give a table a new primary key order; on SQLite that is the order rows are stored in, so copy them."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(f"{table}_pkey", table, type_="primary")
        op.create_primary_key(f"{table}_pkey", table, list(key))
        return
    copy = f"{table}_recluster"
    op.create_table(copy, *columns(), sa.PrimaryKeyConstraint(*key), sqlite_with_rowid=not clustered)
    names = ", ".join(c.name for c in columns())
    op.execute(f"INSERT INTO {copy} ({names}) SELECT {names} FROM {table} ORDER BY {', '.join(key)}")
    op.drop_table(table)
    op.rename_table(copy, table)
    # Fresh statistics let the planner skip-scan the quiz column when a query spans all quizzes.
    op.execute("PRAGMA analysis_limit=1000")
    op.execute(f"ANALYZE {table}")
