"""Write responses, rollups and funnel counts; each write is one transaction, so nothing is half-stored."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from quiz.store import tables as t
from quiz.store.records import VALUE_NAMES, Record, Rollup, queue_row
from quiz.store.stats import next_month, period_start

EVENTS = ("started", "step", "finished", "cta")


def upsert_add(conn: Connection, table: sa.Table, rows: list[tuple[Any, ...]], values: Iterable[str]) -> None:
    """Insert rows given as (*primary key, *values), or add their values to the rows already there."""
    if not rows:
        return
    names = (*_keys(table), *values)
    sql, order, positional = _upsert_add(conn.dialect, table, tuple(values))
    # Straight through the driver: SQLAlchemy's per-row parameter handling cost more than the upserts.
    if not positional:
        params: list[Any] = [dict(zip(names, row, strict=True)) for row in rows]
    elif order == names:
        params = rows
    else:
        where = [names.index(n) for n in order]
        params = [tuple(row[i] for i in where) for row in rows]
    conn.exec_driver_sql(sql, params)


@functools.cache
def _upsert_add(dialect: Any, table: sa.Table, values: tuple[str, ...]) -> tuple[str, tuple[str, ...], bool]:
    """Compile an insert-or-add statement once per table: its SQL, its parameter order, and the style."""
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    keys = _keys(table)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={v: table.c[v] + stmt.excluded[v] for v in values})
    compiled = stmt.compile(dialect=dialect, column_keys=[*keys, *values])
    return str(compiled), tuple(compiled.positiontup or ()), bool(compiled.positional)


def _keys(table: sa.Table) -> list[str]:
    """Name a table's key columns in the order they are declared, which is the order rows give them in."""
    return [c.name for c in table.columns if c.primary_key]


def flush_rollup(conn: Connection, rollup: Rollup) -> None:
    """Add a batch's sums to the rollup tables."""
    for table in t.ROLLUPS:
        values = VALUE_NAMES[table.name]
        upsert_add(conn, table, rollup.rows(table.name), values)


HEAD_COLUMNS = (
    "id",
    "quiz_id",
    "bank_version",
    "day",
    "locale",
    "origin",
    "outcome",
    "crisis",
    "consent",
    "careless",
    "flags",
    "answers",
)
SCORE_COLUMNS = ("response_id", "scale", "raw", "score", "answered", "total")
QUEUE_COLUMNS = ("response_id", "day", "quiz_id", "bank_version", "origin", "contributions")


def row_values(r: Record) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Return a response's row and its score rows, in the driver's terms."""
    head = (
        r.id,
        r.quiz_id,
        r.bank_version,
        r.day.isoformat(),
        r.locale,
        r.origin,
        r.outcome,
        r.crisis,
        r.consent,
        r.careless,
        json.dumps(list(r.flags)),
        json.dumps(dict(r.answers), separators=(",", ":")),
    )
    return head, [(r.id, s, raw, sc, a, n) for s, (raw, sc, a, n) in r.scores.items()]


def insert_records(conn: Connection, records: Iterable[Record]) -> Rollup:
    """Insert responses with their scores; return their rollup, not yet flushed."""
    records = list(records)
    _insert_responses(conn, *_response_rows(records))
    rollup = Rollup()
    for r in records:
        rollup.add(r)
    return rollup


def _response_rows(records: list[Record]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the response rows and the score rows of some records."""
    heads: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    for r in records:
        head, score_rows = row_values(r)
        heads.append(head)
        scores += score_rows
    return heads, scores


def _insert_responses(conn: Connection, heads: list[tuple[Any, ...]], scores: list[tuple[Any, ...]]) -> None:
    insert_many(conn, t.responses, HEAD_COLUMNS, heads)
    insert_many(conn, t.response_scores, SCORE_COLUMNS, scores)


def insert_many(conn: Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows straight through the driver's executemany, so bulk loads of millions stay fast.

    Values must already be in the driver's terms: JSON as text, dates as ISO strings.
    """
    if not rows:
        return
    sql, where, positional = _insert(conn.dialect, table, columns)
    if not positional:
        params: list[Any] = [dict(zip(columns, r, strict=True)) for r in rows]
    else:
        params = rows if where is None else [tuple(r[i] for i in where) for r in rows]
    conn.exec_driver_sql(sql, params)


@functools.cache
def _insert(dialect: Any, table: sa.Table, columns: tuple[str, ...]) -> tuple[str, tuple[int, ...] | None, bool]:
    """Compile an INSERT once per table and columns: its SQL, where each parameter comes from, and the style."""
    compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
    where = tuple(columns.index(n) for n in compiled.positiontup or ())
    return str(compiled), None if where == tuple(range(len(columns))) else where, bool(compiled.positional)


def save(conn: Connection, records: Iterable[Record]) -> None:
    """Store responses and queue their rollup contributions, all in the caller's transaction.

    One queue row per response costs a fraction of adding to a day's, a week's and a month's rollup rows;
    `folding.fold` does that later for many responses at once.
    """
    records = list(records)
    # Every row is built before the first INSERT: on SQLite that takes the write lock, which other
    # processes wait for until the commit, so nothing but the writing itself should happen while it is held.
    heads, scores = _response_rows(records)
    queued = [queue_row(r) for r in records]
    _insert_responses(conn, heads, scores)
    insert_many(conn, t.queue, QUEUE_COLUMNS, queued)


def add_events(conn: Connection, counts: Mapping[tuple[str, date, str, str], int]) -> None:
    """Add to the funnel counters, keyed by (quiz id, day, step, event)."""
    rows = [(q, d, s, e, n) for (q, d, s, e), n in sorted(counts.items(), key=lambda kv: str(kv[0]))]
    upsert_add(conn, t.funnel, rows, ["count"])  # the funnel's key is (quiz_id, day, step, event)


def purge(conn: Connection, before: date) -> int:
    """Delete responses (and their rollups) from days before `before`; keep the funnel counts.

    The caller folds the queue first, in the same transaction, so no queued contribution of a deleted
    response is left (`Store.purge` does).
    """
    old = sa.select(t.responses.c.id).where(t.responses.c.day < before)
    conn.execute(t.response_scores.delete().where(t.response_scores.c.response_id.in_(old)))
    for table in t.ROLLUPS:
        conn.execute(table.delete().where(table.c.day < before))
        for grain in ("w", "m"):
            if period_start(grain, before) != before:
                _rebuild(conn, table, grain, before)
    return conn.execute(t.responses.delete().where(t.responses.c.day < before)).rowcount or 0


def _rebuild(conn: Connection, table: sa.Table, grain: str, start: date) -> None:
    """Recompute the week or month holding `start` from the daily rows kept, so it never counts purged days."""
    c = table.c
    first = period_start(grain, start)
    after = next_month(first) if grain == "m" else first + timedelta(days=7)
    conn.execute(table.delete().where(c.grain == grain, c.day == first))
    keys = [k.name for k in table.primary_key.columns if k.name not in ("grain", "day")]
    values = [col.name for col in table.columns if not col.primary_key]
    rows = (
        sa.select(
            sa.literal(grain), sa.literal(first, sa.Date), *[c[k] for k in keys], *[sa.func.sum(c[v]) for v in values]
        )
        .where(c.grain == "d", c.day >= start, c.day < after)
        .group_by(*[c[k] for k in keys])
    )
    conn.execute(table.insert().from_select(["grain", "day", *keys, *values], rows))
