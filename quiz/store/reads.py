"""Read monthly sums, funnel counts and, for the operator's export, responses one at a time."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from quiz.store import tables as t

HEAD = ("quiz_id", "bank_version", "day", "locale", "origin", "outcome", "consent", "careless")


def month_rows(conn: Connection, quiz_id: str, first: date, last: date, kinds: Iterable[str]) -> list[tuple[Any, ...]]:
    """Return some kinds of sums from the month `first` to `last`: (month, version, site, kind, key, n, s, s2)."""
    m = t.monthly.c
    q = sa.select(m.month, m.bank_version, m.origin, m.kind, m.key, m.n, m.total, m.total_sq).where(
        m.quiz_id == quiz_id, m.month >= first, m.month <= last, m.kind.in_(list(kinds))
    )
    return [tuple(row) for row in conn.execute(q).all()]


def funnel_rows(
    conn: Connection, quiz_id: str, first: date, last: date, events: Iterable[str]
) -> list[tuple[date, str, str, int]]:
    """Return some events of a quiz's funnel counts from `first` to `last` as (day, step, event, count)."""
    f = t.funnel.c
    q = sa.select(f.day, f.step, f.event, f.count).where(
        f.quiz_id == quiz_id, f.day >= first, f.day <= last, f.event.in_(list(events))
    )
    return [(d, s, e, int(n)) for d, s, e, n in conn.execute(q).all()]


def active(conn: Connection, quiz_id: str) -> tuple[list[date], list[date]]:
    """Return the days with funnel counts and the months with sums, for the period menus."""
    f, m = t.funnel.c, t.monthly.c
    days = conn.scalars(sa.select(f.day).where(f.quiz_id == quiz_id).distinct().order_by(f.day))
    months = conn.scalars(sa.select(m.month).where(m.quiz_id == quiz_id).distinct().order_by(m.month))
    return list(days), list(months)


def quizzes(conn: Connection) -> list[str]:
    """List the quizzes with any stored sums or counts."""
    found = sa.union(sa.select(t.monthly.c.quiz_id), sa.select(t.funnel.c.quiz_id)).subquery()
    return sorted(conn.scalars(sa.select(found.c.quiz_id)))


def count(conn: Connection, quiz_id: str | None = None) -> int:
    """Count the stored responses, of one quiz or of all."""
    r = t.responses.c
    q = sa.select(sa.func.count()).select_from(t.responses)
    return int(conn.scalar(q if quiz_id is None else q.where(r.quiz_id == quiz_id)) or 0)


def site_weeks(conn: Connection) -> Counter[tuple[str, str, str | None]]:
    """Count responses per quiz, ISO week and site."""
    r = t.responses.c
    found: Counter[tuple[str, str, str | None]] = Counter()
    for quiz_id, day, origin, n in conn.execute(
        sa.select(r.quiz_id, r.day, r.origin, sa.func.count()).group_by(r.quiz_id, r.day, r.origin)
    ):
        found[(quiz_id, iso_week(day), origin)] += int(n)
    return found


def iso_week(day: date) -> str:
    """Name a day's ISO week, like 2025-W07."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def responses(conn: Connection, quiz_id: str | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Yield each response as {head fields, "answers": {...}, "scores": {scale: (raw, score)}}, in id order."""
    r, s = t.responses, t.response_scores
    # Answers come back as text and are parsed once per response, not once per joined score row.
    q = (
        sa.select(r.c.id, *[r.c[h] for h in HEAD], sa.cast(r.c.answers, sa.Text), s.c.scale, s.c.raw, s.c.score)
        .select_from(r.outerjoin(s, s.c.response_id == r.c.id))
        .order_by(r.c.id)
    )
    if quiz_id is not None:
        q = q.where(r.c.quiz_id == quiz_id)
    width = len(HEAD) + 1
    for _, group in groupby(conn.execution_options(yield_per=batch).execute(q), key=lambda row: row[0]):
        rows = list(group)
        found = dict(zip(HEAD, rows[0][1:width], strict=True))
        found["answers"] = json.loads(rows[0][width])
        found["scores"] = {row[width + 1]: (row[width + 2], row[width + 3]) for row in rows if row[width + 1]}
        yield found
