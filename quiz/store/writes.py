"""Write responses, their monthly sums and funnel counts, each in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from quiz.store import tables as t
from quiz.store.records import Record, monthly_rows

EVENTS = ("started", "step", "finished", "cta")
SUMS = ("n", "total", "total_sq")


def _adding(insert: Any, table: sa.Table, values: tuple[str, ...]) -> Any:
    """Return an INSERT that adds its values to those of the row already there with the same key."""
    stmt = insert(table)
    added = {v: table.c[v] + stmt.excluded[v] for v in values}
    return stmt.on_conflict_do_update(index_elements=list(table.primary_key.columns), set_=added)


# SQLite and PostgreSQL spell ON CONFLICT alike, but SQLAlchemy offers it in each dialect's own insert().
INSERTS: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
ADD_SUMS = {name: _adding(insert, t.monthly, SUMS) for name, insert in INSERTS.items()}
ADD_COUNTS = {name: _adding(insert, t.funnel, ("count",)) for name, insert in INSERTS.items()}
SPEND = {
    name: insert(t.spent_tokens).on_conflict_do_nothing().returning(t.spent_tokens.c.digest)
    for name, insert in INSERTS.items()
}


def save(conn: Connection, records: Iterable[Record]) -> None:
    """Store responses with their scores, and add them to their months' sums."""
    heads, scores, sums = [], [], []
    for r in records:
        # Every column of a response is a field of its record, under the same name.
        head = {c.name: getattr(r, c.name) for c in t.responses.columns}
        heads.append(head | {"flags": list(r.flags), "answers": dict(r.answers)})
        scores += [
            {"response_id": r.id, "scale": s, "raw": raw, "score": sc, "answered": a, "total": n}
            for s, (raw, sc, a, n) in r.scores.items()
        ]
        sums += monthly_rows(r)
    if heads:
        conn.execute(t.responses.insert(), heads)
    if scores:
        conn.execute(t.response_scores.insert(), scores)
    names = [c.name for c in t.monthly.columns]
    if sums:
        # In key order, so saves running at once lock the rows they share in the same order and never deadlock.
        conn.execute(ADD_SUMS[conn.dialect.name], [dict(zip(names, row, strict=True)) for row in _merged(sums)])


def _merged(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Add up rows with the same key (a batch of responses shares months), sorted by key."""
    found: dict[tuple[Any, ...], list[float]] = {}
    for *key, n, total, total_sq in rows:
        now = found.setdefault(tuple(key), [0, 0.0, 0.0])
        now[0], now[1], now[2] = now[0] + n, now[1] + total, now[2] + total_sq
    return [(*key, *values) for key, values in sorted(found.items())]


def add_events(conn: Connection, counts: Mapping[tuple[str, date, str, str], int]) -> None:
    """Add to the funnel counters, keyed by (quiz id, day, step, event)."""
    rows = [{"quiz_id": q, "day": d, "step": s, "event": e, "count": n} for (q, d, s, e), n in sorted(counts.items())]
    if rows:
        conn.execute(ADD_COUNTS[conn.dialect.name], rows)


def spend(conn: Connection, digest: str, day: date) -> bool:
    """Mark a single-use token spent; say whether this was its first use."""
    return conn.execute(SPEND[conn.dialect.name], {"digest": digest, "day": day}).first() is not None


def purge(conn: Connection, before: date, tokens_before: date) -> int:
    """Delete responses from days before `before`, and the sums of months wholly before it; keep the funnel."""
    old = sa.select(t.responses.c.id).where(t.responses.c.day < before)
    conn.execute(t.response_scores.delete().where(t.response_scores.c.response_id.in_(old)))
    # A month's sums stay until the whole month is past, so every figure the dashboard showed for it stays the same.
    conn.execute(t.monthly.delete().where(t.monthly.c.month < before.replace(day=1)))
    conn.execute(t.spent_tokens.delete().where(t.spent_tokens.c.day < tokens_before))
    return conn.execute(t.responses.delete().where(t.responses.c.day < before)).rowcount or 0
