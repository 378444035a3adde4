"""The only place with SQL: save anonymous responses, count the funnel, read monthly sums, keep the coach's records."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from quiz.store import tables, writes
from quiz.store.records import KINDS, Record, record_from

__all__ = ["HEAD", "Record", "Store", "iso_week", "record_from"]
HEAD = ("quiz_id", "bank_version", "day", "locale", "origin", "outcome", "consent", "careless")


def iso_week(day: date) -> str:
    """Name a day's ISO week, like 2025-W07."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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

    def spend(self, digest: str, day: date, records: Iterable[Record] = ()) -> bool:
        """Mark a single-use token spent and store the responses it came with, all or nothing; say if it was unused."""
        with self.engine.begin() as conn:
            if not writes.spend(conn, digest, day):
                return False
            writes.save(conn, records)
            return True

    def add_events(self, counts: Mapping[tuple[str, date, str, str], int]) -> None:
        """Add to the funnel counters, keyed by (quiz id, day, step, event)."""
        with self.engine.begin() as conn:
            writes.add_events(conn, counts)

    def purge(self, before: date, tokens_before: date | None = None) -> int:
        """Delete responses from days before `before` (and spent tokens before the second date); funnel counts stay."""
        with self.engine.begin() as conn:
            return writes.purge(conn, before, tokens_before or before)

    def months(self, quiz_id: str, first: date, last: date, kinds: Iterable[str] = KINDS) -> list[tuple[Any, ...]]:
        """Return some kinds of sums from the month `first` to `last`: (month, version, site, kind, key, n, s, s2)."""
        m = tables.monthly.c
        q = sa.select(m.month, m.bank_version, m.origin, m.kind, m.key, m.n, m.total, m.total_sq).where(
            m.quiz_id == quiz_id, m.month >= first, m.month <= last, m.kind.in_(list(kinds))
        )
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(q).all()]

    def funnel(
        self, quiz_id: str, first: date, last: date, events: Iterable[str] = writes.EVENTS
    ) -> list[tuple[date, str, str, int]]:
        """Return some events of a quiz's funnel counts from `first` to `last` as (day, step, event, count)."""
        f = tables.funnel.c
        q = sa.select(f.day, f.step, f.event, f.count).where(
            f.quiz_id == quiz_id, f.day >= first, f.day <= last, f.event.in_(list(events))
        )
        with self.engine.connect() as conn:
            return [(d, s, e, int(n)) for d, s, e, n in conn.execute(q).all()]

    def active(self, quiz_id: str) -> tuple[list[date], list[date]]:
        """Return the days with funnel counts and the months with sums, for the period menus."""
        f, m = tables.funnel.c, tables.monthly.c
        with self.engine.connect() as conn:
            days = conn.scalars(sa.select(f.day).where(f.quiz_id == quiz_id).distinct().order_by(f.day))
            months = conn.scalars(sa.select(m.month).where(m.quiz_id == quiz_id).distinct().order_by(m.month))
            return list(days), list(months)

    def quizzes(self) -> list[str]:
        """List the quizzes with any stored sums or counts."""
        found = sa.union(sa.select(tables.monthly.c.quiz_id), sa.select(tables.funnel.c.quiz_id)).subquery()
        with self.engine.connect() as conn:
            return sorted(conn.scalars(sa.select(found.c.quiz_id)))

    def count(self, quiz_id: str | None = None) -> int:
        """Count the stored responses, of one quiz or of all."""
        q = sa.select(sa.func.count()).select_from(tables.responses)
        with self.engine.connect() as conn:
            return int(conn.scalar(q if quiz_id is None else q.where(tables.responses.c.quiz_id == quiz_id)) or 0)

    def responses(self, quiz_id: str | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Yield each response as {head fields, "answers": {...}, "scores": {scale: (raw, score)}}, in id order."""
        r, s = tables.responses, tables.response_scores
        # Answers come back as text and are parsed once per response, not once per joined score row.
        q = (
            sa.select(r.c.id, *[r.c[h] for h in HEAD], sa.cast(r.c.answers, sa.Text), s.c.scale, s.c.raw, s.c.score)
            .select_from(r.outerjoin(s, s.c.response_id == r.c.id))
            .order_by(r.c.id)
        )
        if quiz_id is not None:
            q = q.where(r.c.quiz_id == quiz_id)
        width = len(HEAD) + 1
        with self.engine.connect() as conn:
            for _, group in groupby(conn.execution_options(yield_per=batch).execute(q), key=lambda row: row[0]):
                rows = list(group)
                found = dict(zip(HEAD, rows[0][1:width], strict=True))
                found["answers"] = json.loads(rows[0][width])
                found["scores"] = {row[width + 1]: (row[width + 2], row[width + 3]) for row in rows if row[width + 1]}
                yield found

    def site_weeks(self) -> Counter[tuple[str, str, str | None]]:
        """Count responses per quiz, ISO week and site."""
        r = tables.responses.c
        found: Counter[tuple[str, str, str | None]] = Counter()
        q = sa.select(r.quiz_id, r.day, r.origin, sa.func.count()).group_by(r.quiz_id, r.day, r.origin)
        with self.engine.connect() as conn:
            for quiz_id, day, origin, n in conn.execute(q):
                found[(quiz_id, iso_week(day), origin)] += int(n)
        return found

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
            if kept := [{"name": k, "value": v} for k, v in values.items() if v is not None]:
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
            return int(conn.scalar(sa.select(sa.func.count()).where(f.digest == digest, f.at >= since)) or 0)

    def fail(self, digest: str, now: float, forget_before: float) -> None:
        """Record a failed login, and forget failures older than any limit's window."""
        f = tables.login_failures
        with self.engine.begin() as conn:
            conn.execute(f.delete().where(f.c.at < forget_before))
            conn.execute(f.insert().values(id=secrets.token_urlsafe(16), digest=digest, at=now))
