"""The only place with SQL: save anonymous responses, count the funnel, aggregate, export, purge."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from quiz.store import export, folding, stats, tables, writes
from quiz.store.records import Record, Rollup, record_from
from quiz.store.stats import Filters, Raw

__all__ = ["FOLD_EVERY", "Filters", "Raw", "Record", "Rollup", "Store", "record_from"]


FOLD_EVERY = 256  # saves in one process between folds of the rollup queue
FOLD_LIMIT = 2000  # responses one fold transaction takes, so a long queue never holds the write lock for long


class Store:
    """Anonymous responses and funnel counts in one database."""

    def __init__(self, engine: Engine, fold_every: int = FOLD_EVERY):
        self.engine = engine
        self.fold_every = fold_every
        self._unfolded = 0  # responses this process queued since it last folded
        self.last_purge = 0.0  # when this process last deleted responses past the retention period

    def ping(self) -> bool:
        """Say whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def save(self, records: Iterable[Record]) -> None:
        """Store responses and queue their rollup contributions in one transaction."""
        records = list(records)
        with self.engine.begin() as conn:
            writes.save(conn, records)
        self._unfolded += len(records)

    def settle(self) -> int:
        """Fold the queue once `fold_every` responses were saved here, unless another process is folding it."""
        if self._unfolded < self.fold_every:
            return 0
        self._unfolded = 0
        with self.engine.begin() as conn:
            if not folding.claim(conn, time.time()):
                return 0  # the fold under way takes this process's responses too, or the next one does
        try:
            return self.fold()
        finally:
            with self.engine.begin() as conn:
                folding.release(conn)

    def fold(self) -> int:
        """Add every queued contribution to the rollups; return how many responses that was."""
        self._unfolded = 0
        with self.engine.connect() as conn:
            # A cheap read first, so a dashboard with nothing queued takes no write lock.
            if conn.scalar(sa.select(sa.literal(1)).select_from(tables.queue).limit(1)) is None:
                return 0
        total = 0
        while True:
            with self.engine.begin() as conn:
                taken = folding.fold(conn, FOLD_LIMIT)
            total += taken
            if taken < FOLD_LIMIT:
                return total

    def spend(self, digest: str, day: date) -> bool:
        """Mark a single-use token used (TEMPORARY until the plain store lands); True the first time only."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        row = insert(tables.spent_tokens).values(digest=digest, day=day)
        with self.engine.begin() as conn:
            added = conn.execute(row.on_conflict_do_nothing().returning(tables.spent_tokens.c.digest)).first()
        return added is not None

    def save_bulk(self, records: Iterable[Record], rollup: Rollup | None = None) -> None:
        """Store many responses in one transaction; a rollup given is flushed instead of theirs."""
        with self.engine.begin() as conn:
            own = writes.insert_records(conn, records)
            writes.flush_rollup(conn, rollup or own)

    def add_events(self, counts: Mapping[tuple[str, date, str, str], int]) -> None:
        """Add to the funnel counters, keyed by (quiz id, day, step, event)."""
        with self.engine.begin() as conn:
            writes.add_events(conn, counts)

    def purge(self, before: date) -> int:
        """Delete responses from days before `before` and return how many went; funnel counts stay."""
        with self.engine.begin() as conn:
            folding.fold(conn)  # first, so no queued contribution of a deleted response is left
            return writes.purge(conn, before)

    def aggregate(self, f: Filters) -> Raw:
        """Return the dashboard's sums for the filters, in one consistent read, counting every response saved."""
        self.fold()
        with self.engine.connect() as conn, conn.begin():
            if conn.dialect.name == "sqlite":
                # Fresh table statistics let SQLite pick the rollup indexes well (a third faster); `optimize`
                # re-analyses only tables that changed a lot, and the limit keeps that quick on big tables.
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("PRAGMA optimize")
            return stats.aggregate(conn, f)

    def choices(self) -> dict[str, list[Any]]:
        """List quiz ids, bank versions and sites with stored responses."""
        self.fold()  # the menus read the rollups
        with self.engine.connect() as conn:
            return stats.choices(conn)

    def count(self, f: Filters) -> int:
        """Count the stored responses the filters select."""
        with self.engine.connect() as conn:
            return stats.count(conn, f)

    def export(self, f: Filters) -> Iterator[dict[str, Any]]:
        """Yield the selected responses one at a time, holding one connection while the caller reads."""
        with self.engine.connect() as conn:
            yield from export.rows(conn, f)
