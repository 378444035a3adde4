"""The database schema: anonymous responses, their scores, monthly sums, funnel counts, and the coach's records."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()

# Rows are clustered by their random id (WITHOUT ROWID on SQLite), so no hidden sequence number
# records the order, and so the time, in which people answered.
_clustered: dict[str, Any] = {"sqlite_with_rowid": False}


def _text(name: str, length: int = 64, **kw: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False, **kw)


responses = sa.Table(
    "responses",
    metadata,
    _text("id", 24, primary_key=True),
    _text("quiz_id"),
    sa.Column("bank_version", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("locale", sa.String(16)),
    sa.Column("origin", sa.String(255)),
    _text("outcome"),
    sa.Column("crisis", sa.Boolean, nullable=False),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("careless", sa.Boolean),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Index("ix_responses_quiz_day", "quiz_id", "day"),
    **_clustered,
)

response_scores = sa.Table(
    "response_scores",
    metadata,
    sa.Column("response_id", sa.String(24), sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
    _text("scale", primary_key=True),
    sa.Column("raw", sa.Float),
    sa.Column("score", sa.Float),
    sa.Column("answered", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    **_clustered,
)

# What every saved response adds to its month, by bank version and site ('' for none): a count, a sum and a
# sum of squares per (kind, key), e.g. ("outcome", "coaching") or ("item", "who5_1"). The save upserts them in
# its own transaction; the dashboard adds up a few months of them and never reads a response.
monthly = sa.Table(
    "monthly",
    metadata,
    _text("quiz_id"),
    sa.Column("month", sa.Date, nullable=False),
    sa.Column("bank_version", sa.Integer, nullable=False),
    _text("origin", 255),
    _text("kind", 16),
    _text("key", 96),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("total_sq", sa.Float, nullable=False),
    sa.PrimaryKeyConstraint("quiz_id", "month", "bank_version", "origin", "kind", "key"),
    **_clustered,
)

funnel = sa.Table(
    "funnel",
    metadata,
    _text("quiz_id"),
    sa.Column("day", sa.Date, nullable=False),
    _text("step"),
    _text("event", 16),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("quiz_id", "day", "step", "event"),
    **_clustered,
)

settings = sa.Table(
    "settings", metadata, _text("name", 32, primary_key=True), sa.Column("value", sa.Text, nullable=False)
)

# A signed-in coach: the SHA-256 of the random token in their cookie, when they signed in, and which password.
coach_sessions = sa.Table(
    "coach_sessions",
    metadata,
    _text("digest", 64, primary_key=True),
    sa.Column("started", sa.Float, nullable=False),
    _text("password", 16),
)

# One row per failed login, keyed by a hash of the address salted with a secret that changes every day.
login_failures = sa.Table(
    "login_failures",
    metadata,
    _text("id", 24, primary_key=True),
    _text("digest", 64),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_login_failures_digest_at", "digest", "at"),
)

# Single-use tokens already used to store a response, so a replayed submission is refused.
spent_tokens = sa.Table(
    "spent_tokens", metadata, _text("digest", 64, primary_key=True), sa.Column("day", sa.Date, nullable=False)
)
