"""The database schema: anonymous responses and their typed scores, daily rollups, their queue, funnel counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

BINS = 10  # 0-100 scores fall into ten 10-point bins for distributions and the heat map
metadata = sa.MetaData()

# Rows are clustered by their random id (WITHOUT ROWID on SQLite), so no hidden sequence number
# records the order, and so the time, in which people answered.
_clustered: dict[str, Any] = {"sqlite_with_rowid": False}


def _key(name: str, length: int = 64, **kw: object) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, **kw)  # type: ignore[arg-type]


responses = sa.Table(
    "responses",
    metadata,
    _key("id", 24, primary_key=True),
    _key("quiz_id"),
    sa.Column("bank_version", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("locale", sa.String(16)),
    sa.Column("origin", sa.String(255)),
    _key("outcome"),
    sa.Column("crisis", sa.Boolean, nullable=False),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("careless", sa.Boolean),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Index("ix_responses_quiz_day", "quiz_id", "day"),
    sa.Index("ix_responses_day", "day"),
    **_clustered,
)


def _response_id() -> sa.Column:
    return sa.Column("response_id", sa.String(24), sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)


response_scores = sa.Table(
    "response_scores",
    metadata,
    _response_id(),
    _key("scale", primary_key=True),
    sa.Column("raw", sa.Float),
    sa.Column("score", sa.Float),
    sa.Column("answered", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    # No index on (scale, score): the dashboard reads the rollups and the export reads by response, so such
    # an index would serve no query, and keeping it cost about 25 of a save's 59 written pages.
    **_clustered,
)

funnel = sa.Table(
    "funnel",
    metadata,
    _key("quiz_id"),
    sa.Column("day", sa.Date, nullable=False),
    _key("step"),
    _key("event", 16),
    sa.Column("count", sa.BigInteger, nullable=False),
    # Clustered by quiz, then event and step, so one quiz's funnel is one contiguous range to sum.
    sa.PrimaryKeyConstraint("quiz_id", "event", "step", "day"),
    **_clustered,
)


Columns = Callable[[], list[sa.Column]]  # a column belongs to one table: each table gets fresh ones


def _rollup(name: str, extra_keys: Columns, values: Columns) -> sa.Table:
    """Declare a rollup keyed by grain, quiz, day, bank version, origin ('' for none) and extra keys.

    Every response adds to a daily row (grain 'd'), its week's row ('w', day = the Monday) and its month's
    row ('m', day = the 1st), so a query over whole weeks and months reads a few rows instead of one a day.
    Rows are clustered by grain, then quiz, then day, so one quiz's months are one contiguous range.
    """
    extra = [c.name for c in extra_keys()]
    return sa.Table(
        name,
        metadata,
        _key("grain", 1),
        sa.Column("day", sa.Date, nullable=False),
        *_group_keys(),
        *extra_keys(),
        *values(),
        sa.PrimaryKeyConstraint("grain", "quiz_id", "day", "bank_version", "origin", *extra),
        **_clustered,
    )


def _group_keys() -> list[sa.Column]:
    return [_key("quiz_id"), sa.Column("bank_version", sa.Integer, nullable=False), _key("origin", 255)]


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.BigInteger, nullable=False, server_default="0") for n in names]


def _sums() -> list[sa.Column]:
    return [
        *_counts("n"),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("total_sq", sa.Float, nullable=False),
    ]


BIN_COLUMNS = tuple(f"b{i}" for i in range(BINS))
daily_outcomes = _rollup("daily_outcomes", lambda: [_key("outcome")], lambda: _counts("n", "crisis"))
daily_scales = _rollup("daily_scales", lambda: [_key("scale")], lambda: [*_sums(), *_counts(*BIN_COLUMNS)])
daily_items = _rollup("daily_items", lambda: [_key("item")], _sums)
daily_plane = _rollup(
    "daily_plane", lambda: [sa.Column("h_bin", sa.Integer, nullable=False)], lambda: _counts(*BIN_COLUMNS)
)
daily_alpha = _rollup("daily_alpha", lambda: [_key("scale"), _key("part")], _sums)
ROLLUPS = (daily_outcomes, daily_scales, daily_items, daily_plane, daily_alpha)

# Each saved response's contributions to the rollups wait here, one row per response, until `folding.fold`
# adds many at once: a save then writes one row instead of about 340 rollup upserts. Rows are keyed by the
# response's random id, so the queue, like the responses, keeps no arrival order.
queue = sa.Table(
    "queue",
    metadata,
    _key("response_id", 24, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
    *_group_keys(),
    # JSON (outcome, crisis, scores, items, alpha parts), compressed: at about 600 bytes instead of 1,500 a row
    # fits a page without an overflow page, which cut the pages a save writes by a seventh.
    sa.Column("contributions", sa.LargeBinary, nullable=False),
    **_clustered,
)

# One row: until when a process holds the right to fold for everyone. Workers reach their fold counts at
# about the same time; without it each added up the same queue and all but one threw the work away.
fold_lease = sa.Table(
    "fold_lease",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("until", sa.Float, nullable=False),  # seconds since the epoch; 0 when free
)

# TEMPORARY: spent_tokens until the plain store lands. A digest of each single-use token once it is used, keyed by
# the digest (random), so the table keeps no order; the day is kept so old rows can go.
spent_tokens = sa.Table(
    "spent_tokens",
    metadata,
    _key("digest", 64, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
    **_clustered,
)
