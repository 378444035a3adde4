"""The only place with SQL: save anonymous responses, count the funnel, read monthly sums, keep the coach's records."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from quiz.store import reads, tables, writes
from quiz.store.records import KINDS, Record, record_from

__all__ = ["Record", "Store", "record_from"]


class Store:
    """Anonymous responses, their monthly sums, funnel counts, and the coach's settings, sessions and failed logins."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.last_tidy = 0.0  # when this process last purged old rows (time.monotonic)

    def ping(self) -> bool:
        """Say whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def save(self, records: Iterable[Record]) -> None:
        """Store responses and add them to their months' sums, all or nothing."""
        with self.engine.begin() as conn:
            writes.save(conn, records)

    def spend(self, digest: str, day: date) -> bool:
        """Mark a single-use token spent; say whether this was its first use."""
        with self.engine.begin() as conn:
            return writes.spend(conn, digest, day)

    def add_events(self, counts: Mapping[tuple[str, date, str, str], int]) -> None:
        """Add to the funnel counters, keyed by (quiz id, day, step, event)."""
        with self.engine.begin() as conn:
            writes.add_events(conn, counts)

    def purge(self, before: date, tokens_before: date | None = None) -> int:
        """Delete responses from days before `before` (and spent tokens before the second date); funnel counts stay."""
        with self.engine.begin() as conn:
            return writes.purge(conn, before, tokens_before or before)

    def months(self, quiz_id: str, first: date, last: date, kinds: Iterable[str] = KINDS) -> list[tuple[Any, ...]]:
        """Return the monthly sums (of some kinds) of a quiz from the month `first` to the month `last`."""
        with self.engine.connect() as conn:
            return reads.month_rows(conn, quiz_id, first, last, kinds)

    def funnel(
        self, quiz_id: str, first: date, last: date, events: Iterable[str] = writes.EVENTS
    ) -> list[tuple[date, str, str, int]]:
        """Return a quiz's funnel counts (of some events) by day."""
        with self.engine.connect() as conn:
            return reads.funnel_rows(conn, quiz_id, first, last, events)

    def active(self, quiz_id: str) -> tuple[list[date], list[date]]:
        """Return the days with funnel counts and the months with sums."""
        with self.engine.connect() as conn:
            return reads.active(conn, quiz_id)

    def quizzes(self) -> list[str]:
        """List the quizzes with stored data."""
        with self.engine.connect() as conn:
            return reads.quizzes(conn)

    def count(self, quiz_id: str | None = None) -> int:
        """Count the stored responses."""
        with self.engine.connect() as conn:
            return reads.count(conn, quiz_id)

    def responses(self, quiz_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Yield the stored responses one at a time, holding one connection while the caller reads."""
        with self.engine.connect() as conn:
            yield from reads.responses(conn, quiz_id)

    def site_weeks(self) -> Counter[tuple[str, str, str | None]]:
        """Count responses per quiz, ISO week and site."""
        with self.engine.connect() as conn:
            return reads.site_weeks(conn)

    def settings(self, names: Iterable[str]) -> dict[str, str]:
        """Return the named settings the coach saved."""
        s = tables.settings.c
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(s.name, s.value).where(s.name.in_(list(names)))).all())

    def save_settings(self, values: Mapping[str, str | None]) -> None:
        """Save settings; None deletes one, so its default applies again."""
        s = tables.settings
        with self.engine.begin() as conn:
            conn.execute(s.delete().where(s.c.name.in_(list(values))))
            kept = [{"name": k, "value": v} for k, v in values.items() if v is not None]
            if kept:
                conn.execute(s.insert(), kept)

    def open_session(self, digest: str, now: float, password: str) -> None:
        """Record a signed-in session."""
        c = tables.coach_sessions
        with self.engine.begin() as conn:
            conn.execute(c.insert().values(digest=digest, started=now, password=password))

    def session(self, digest: str) -> tuple[float, str] | None:
        """Return when a session started and the password it was opened with, or None if it has ended."""
        c = tables.coach_sessions.c
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(c.started, c.password).where(c.digest == digest)).first()
        return None if found is None else (found[0], found[1])

    def end_sessions(self, digest: str | None = None, started_before: float | None = None) -> None:
        """End one session, every session, or those started before a time."""
        c = tables.coach_sessions
        where = [c.c.digest == digest] if digest else [c.c.started < started_before] if started_before else []
        with self.engine.begin() as conn:
            conn.execute(c.delete().where(*where))

    def failures(self, digest: str, since: float) -> int:
        """Count the failed logins from a hashed address since a time."""
        f = tables.login_failures.c
        with self.engine.connect() as conn:
            q = sa.select(sa.func.count()).where(f.digest == digest, f.at >= since)
            return int(conn.scalar(q) or 0)

    def fail(self, digest: str, now: float, forget_before: float) -> None:
        """Record a failed login, and forget failures older than any limit's window."""
        f = tables.login_failures
        with self.engine.begin() as conn:
            conn.execute(f.delete().where(f.c.at < forget_before))
            conn.execute(f.insert().values(id=secrets.token_urlsafe(16), digest=digest, at=now))
