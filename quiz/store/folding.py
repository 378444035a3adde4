"""Fold the queue: add saved responses' contributions to the day, week and month rollups, each exactly once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from quiz.store import tables as t
from quiz.store import writes
from quiz.store.records import Rollup

CHUNK = 500  # ids per IN (…) list, well under any database's limit on parameters
LEASE_SECONDS = 60.0  # a fold that died frees its lease after this long


def claim(conn: Connection, now: float) -> bool:
    """Take the fold lease unless another process holds it; say whether this one got it."""
    lease = t.fold_lease
    taken = conn.execute(lease.update().where(lease.c.id == 1, lease.c.until < now).values(until=now + LEASE_SECONDS))
    return taken.rowcount == 1


def release(conn: Connection) -> None:
    """Give the fold lease back."""
    conn.execute(t.fold_lease.update().where(t.fold_lease.c.id == 1).values(until=0.0))


def fold(conn: Connection, limit: int | None = None) -> int:
    """Move queued contributions (at most `limit` responses) into the rollups; return how many it moved.

    Call it first in a transaction, and commit after: a failure then takes nothing from the queue, and every
    row taken is added exactly once, while other processes save or fold at the same time.
    """
    if conn.dialect.name == "postgresql":
        taken = _take_postgresql(conn, limit)
        rollup = _rollup_of(taken)
    else:
        taken, rollup = _take_sqlite(conn, limit)
    writes.flush_rollup(conn, rollup)
    return len(taken)


def _rollup_of(rows: Iterable[Sequence[Any]]) -> Rollup:
    """Add up queue rows."""
    rollup = Rollup()
    for row in rows:
        rollup.add_queued(row)
    return rollup


def _take_postgresql(conn: Connection, limit: int | None) -> list[Any]:
    """Delete and return queued rows in one statement, skipping rows another fold is taking right now."""
    q = t.queue
    # Under READ COMMITTED a later statement would see rows saved meanwhile: take them in one statement.
    if limit is None:
        return list(conn.execute(q.delete().returning(*q.columns)))
    some = sa.select(q.c.response_id).limit(limit).with_for_update(skip_locked=True)
    return list(conn.execute(q.delete().where(q.c.response_id.in_(some.scalar_subquery())).returning(*q.columns)))


def _take_sqlite(conn: Connection, limit: int | None) -> tuple[list[Any], Rollup]:
    """Read and add up queued rows first, then delete under the write lock those no other fold took meanwhile.

    Every other worker waits for SQLite's one write lock, so the adding up happens before it is taken.
    """
    q = t.queue
    read = sa.select(q) if limit is None else sa.select(q).limit(limit)
    seen = list(conn.execute(read))
    rollup = _rollup_of(seen)
    # Take the write lock before reading again, so the queue cannot change until the commit, and SQLite never
    # has to upgrade a read lock (which fails with SQLITE_BUSY_SNAPSHOT if another process wrote meanwhile).
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    present = set(conn.scalars(sa.select(q.c.response_id)))
    if limit is None:  # take everything: rows saved since the first read too
        known = {row[0] for row in seen}
        for ids in _chunks([rid for rid in present if rid not in known]):
            late = list(conn.execute(read.where(q.c.response_id.in_(ids))))
            seen += late
            for row in late:
                rollup.add_queued(row)
    taken = [row for row in seen if row[0] in present]
    if len(taken) < len(seen):  # another fold took some of them meanwhile: add up only what is left
        rollup = _rollup_of(taken)
    if len(taken) == len(present):
        conn.execute(q.delete())  # without WHERE or RETURNING, SQLite drops whole pages instead of rows
    else:
        for ids in _chunks([row[0] for row in taken]):
            conn.execute(q.delete().where(q.c.response_id.in_(ids)))
    return taken, rollup


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[lo : lo + CHUNK] for lo in range(0, len(ids), CHUNK)]
