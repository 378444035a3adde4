"""Aggregate queries over the daily rollups; every figure on the dashboard comes from one of these sums."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles

from quiz.store import tables as t


@dataclass(frozen=True, slots=True)
class Filters:
    """What the coach narrowed the view to; None means all. An origin of "" means no allow-listed site."""

    quiz_id: str | None = None
    start: date | None = None
    end: date | None = None
    version: int | None = None
    origin: str | None = None


Sums = tuple[int, float, float]  # n, sum, sum of squares


@dataclass(slots=True)
class Raw:
    """Unsuppressed sums straight from SQL; `quiz.dashboard` decides what may be shown."""

    by_day: list[tuple[date, int]] = field(default_factory=list)  # by month when `monthly`
    monthly: bool = False
    crisis: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    funnel_by_day: list[tuple[date, str, int]] = field(default_factory=list)
    funnel_steps: list[tuple[str, str, int]] = field(default_factory=list)
    scales: dict[str, tuple[Sums, list[int]]] = field(default_factory=dict)
    items: dict[str, Sums] = field(default_factory=dict)
    plane: dict[int, list[int]] = field(default_factory=dict)
    alpha: dict[str, dict[str, Sums]] = field(default_factory=dict)


DAILY_SERIES_DAYS = 92  # a shorter range is charted by day; a longer one by month, from the monthly rows


def where(table: sa.Table, f: Filters) -> list[Any]:
    """Return the WHERE clauses for a table without grains; the funnel has no version or site to filter by."""
    c = table.c
    found = [*_common(table, f), *_days(c, f)]
    if f.quiz_id is not None:
        found.insert(0, c.quiz_id == f.quiz_id)
    return found


def _common(table: sa.Table, f: Filters) -> list[Any]:
    """Return the version and site clauses, where the table has those columns."""
    c = table.c
    found = []
    if f.version is not None and "bank_version" in c:
        found.append(c.bank_version == f.version)
    if f.origin is not None and "origin" in c:
        found.append(c.origin == (f.origin or None) if table is t.responses else c.origin == f.origin)
    return found


def rollup_rows(table: sa.Table, f: Filters, quizzes: list[str], *columns: Any, grain: str | None = None) -> Any:
    """Select the rollup rows that cover the filters' days exactly once: whole months, weeks, then single days.

    `quizzes` lists the quizzes to read (see `quiz_ids`). Each span is its own SELECT, joined by UNION ALL:
    SQLite answers an OR of ranges with a de-duplicating multi-index scan, which costs more than the rows.
    """
    c = table.c
    # Rows are keyed (grain, quiz, day): naming every quiz lets a day range be a few short ranges, one per
    # quiz, instead of a scan of every row of the grain.
    common = [c.quiz_id.in_(quizzes), *_common(table, f)]
    found = [(grain, f.start, None if f.end is None else f.end + timedelta(days=1))] if grain else spans(f.start, f.end)
    parts = [
        sa.select(*columns).where(c.grain == g, *common, *([c.day >= lo] if lo else []), *([c.day < hi] if hi else []))
        for g, lo, hi in found
    ]
    return (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()


def _days(c: Any, f: Filters) -> list[Any]:
    return [*([c.day >= f.start] if f.start else []), *([c.day <= f.end] if f.end else [])]


def next_month(day: date) -> date:
    """Return the first day of the month after the given day's."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def period_start(grain: str, day: date) -> date:
    """Return the first day of the month ('m'), the week's Monday ('w') or the day itself ('d')."""
    return day.replace(day=1) if grain == "m" else day - timedelta(days=day.weekday()) if grain == "w" else day


Span = tuple[str, date | None, date | None]  # grain, first day, day after the last (None: open)


def spans(start: date | None, end: date | None) -> list[Span]:
    """Cover the range with whole months, then whole weeks, then single days, so few rows are read."""
    after = None if end is None else end + timedelta(days=1)
    lo = None if start is None else period_start("m", start) if start.day == 1 else next_month(start)
    hi = None if after is None else period_start("m", after)
    if lo is not None and hi is not None and lo >= hi:
        return _weeks(start, after)  # type: ignore[arg-type]
    found: list[Span] = [("m", lo, hi)]
    if start is not None and lo is not None and start < lo:
        found += _weeks(start, lo)
    if after is not None and hi is not None and hi < after:
        found += _weeks(hi, after)
    return found


def _weeks(lo: date, hi: date) -> list[Span]:
    first = lo + timedelta(days=(7 - lo.weekday()) % 7)
    last = period_start("w", hi)
    if first >= last:
        return [("d", lo, hi)]
    return [("w", first, last), *([("d", lo, first)] if lo < first else []), *([("d", last, hi)] if last < hi else [])]


def series_grain(f: Filters) -> str:
    """Return 'd' when the range is short enough to chart by day, else 'm'."""
    short = f.start is not None and f.end is not None and (f.end - f.start).days <= DAILY_SERIES_DAYS
    return "d" if short else "m"


def _sum(col: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(col), 0)


class month_start(sa.sql.functions.GenericFunction[date]):  # noqa: N801 - SQL functions read as SQL
    """The first day of a date's month, as a date."""

    type = sa.Date()
    inherit_cache = True


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


def quiz_ids(conn: Connection, f: Filters) -> list[str]:
    """Return the quiz the filters name, or every quiz with a monthly row (every response adds to one)."""
    if f.quiz_id is not None:
        return [f.quiz_id]
    o = t.daily_outcomes
    return list(conn.scalars(sa.select(o.c.quiz_id).where(o.c.grain == "m").distinct()))


def aggregate(conn: Connection, f: Filters) -> Raw:
    """Run every dashboard aggregate for the filters."""
    quizzes = quiz_ids(conn, f)
    grain = series_grain(f)
    raw = Raw(monthly=grain == "m")
    o = t.daily_outcomes
    days = rollup_rows(o, f, quizzes, o.c.day, o.c.n, grain=grain if grain == "d" else None)
    by_day: dict[date, int] = {}
    for d, n in conn.execute(sa.select(days.c.day, _sum(days.c.n)).group_by(days.c.day)):
        key = d.replace(day=1) if raw.monthly else d  # edge days of a monthly series join their month
        by_day[key] = by_day.get(key, 0) + int(n)
    raw.by_day = sorted(by_day.items())
    rows = rollup_rows(o, f, quizzes, o.c.outcome, o.c.n, o.c.crisis)
    q = sa.select(rows.c.outcome, _sum(rows.c.n), _sum(rows.c.crisis)).group_by(rows.c.outcome)
    for outcome, n, crisis in conn.execute(q):
        raw.outcomes[outcome] = int(n)
        raw.crisis += int(crisis)
    _funnel(conn, f, raw)
    _scales(conn, f, quizzes, raw)
    _alpha(conn, f, quizzes, raw)
    return raw


def _funnel(conn: Connection, f: Filters, raw: Raw) -> None:
    fu = t.funnel
    # A monthly series needs monthly funnel counts: summing them in SQL returns 25 rows, not 700.
    day = month_start(fu.c.day) if raw.monthly else fu.c.day
    q = sa.select(day, fu.c.event, _sum(fu.c.count)).where(*where(fu, f), fu.c.event.in_(("started", "finished")))
    raw.funnel_by_day = [(d, e, int(n)) for d, e, n in conn.execute(q.group_by(day, fu.c.event))]
    q = sa.select(fu.c.step, fu.c.event, _sum(fu.c.count)).where(*where(fu, f)).group_by(fu.c.event, fu.c.step)
    raw.funnel_steps = [(s, e, int(n)) for s, e, n in conn.execute(q)]


def _scales(conn: Connection, f: Filters, quizzes: list[str], raw: Raw) -> None:
    s = t.daily_scales
    rows = rollup_rows(s, f, quizzes, s.c.scale, s.c.n, s.c.total, s.c.total_sq, *[s.c[b] for b in t.BIN_COLUMNS])
    bins = [_sum(rows.c[b]) for b in t.BIN_COLUMNS]
    q = sa.select(rows.c.scale, _sum(rows.c.n), _sum(rows.c.total), _sum(rows.c.total_sq), *bins)
    for scale, n, total, sq, *counts in conn.execute(q.group_by(rows.c.scale)):
        raw.scales[scale] = ((int(n), float(total), float(sq)), [int(c) for c in counts])
    i = t.daily_items
    rows = rollup_rows(i, f, quizzes, i.c.item, i.c.n, i.c.total, i.c.total_sq)
    q = sa.select(rows.c.item, _sum(rows.c.n), _sum(rows.c.total), _sum(rows.c.total_sq)).group_by(rows.c.item)
    raw.items = {item: (int(n), float(s1), float(s2)) for item, n, s1, s2 in conn.execute(q)}
    p = t.daily_plane
    rows = rollup_rows(p, f, quizzes, p.c.h_bin, *[p.c[b] for b in t.BIN_COLUMNS])
    q = sa.select(rows.c.h_bin, *[_sum(rows.c[b]) for b in t.BIN_COLUMNS]).group_by(rows.c.h_bin)
    raw.plane = {int(h): [int(c) for c in counts] for h, *counts in conn.execute(q)}


def _alpha(conn: Connection, f: Filters, quizzes: list[str], raw: Raw) -> None:
    a = t.daily_alpha
    rows = rollup_rows(a, f, quizzes, a.c.scale, a.c.part, a.c.n, a.c.total, a.c.total_sq)
    q = sa.select(rows.c.scale, rows.c.part, _sum(rows.c.n), _sum(rows.c.total), _sum(rows.c.total_sq))
    for scale, part, n, s1, s2 in conn.execute(q.group_by(rows.c.scale, rows.c.part)):
        raw.alpha.setdefault(scale, {})[part] = (int(n), float(s1), float(s2))


def choices(conn: Connection) -> dict[str, list[Any]]:
    """List the quiz ids, bank versions and sites that have stored responses, for the filter menus."""
    o = t.daily_outcomes
    return {
        "quizzes": list(conn.scalars(sa.select(o.c.quiz_id).distinct().order_by(o.c.quiz_id))),
        "versions": list(conn.scalars(sa.select(o.c.bank_version).distinct().order_by(o.c.bank_version))),
        "origins": list(conn.scalars(sa.select(o.c.origin).distinct().order_by(o.c.origin))),
    }


def count(conn: Connection, f: Filters) -> int:
    """Count the stored responses the filters select."""
    r = t.responses
    return int(conn.scalar(sa.select(sa.func.count()).select_from(r).where(*where(r, f))) or 0)
