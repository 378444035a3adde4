"""What one stored response holds, and how it adds to the daily rollups; pure Python, no SQL."""

from __future__ import annotations

import functools
import json
import secrets
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from quiz.bank.model import Bank
from quiz.engine import Outcome, Scores
from quiz.store.stats import period_start
from quiz.store.tables import BIN_COLUMNS, BINS

GRAINS = ("d", "w", "m")
PLANE = ("healing_need", "growth_capacity")  # the heat map's axes: y, then x
AREA_PREFIX = "area."  # scale ids are [a-z0-9_], so "area.work" cannot clash with one


@dataclass(frozen=True, slots=True)
class Record:
    """One response as stored: the day but not the time, an allow-listed origin, and no identifiers."""

    quiz_id: str
    bank_version: int
    day: date
    locale: str | None
    origin: str | None
    outcome: str
    flags: tuple[str, ...]
    answers: Mapping[str, object]
    scores: Mapping[str, tuple[float | None, float | None, int, int]]  # raw, score, answered, total
    alpha: Mapping[str, tuple[tuple[str, float], ...]]  # scale -> (item, scored value), complete cases only
    crisis: bool = False
    consent: bool = True
    careless: bool | None = None  # answers the person confirmed after the careless-answer check
    id: str = field(default_factory=lambda: "r" + secrets.token_urlsafe(17))  # never -, =, + or @ first: CSV-safe

    @property
    def items(self) -> dict[str, int]:
        """Return the single-valued answers, the ones an item mean makes sense for."""
        return {k: v for k, v in self.answers.items() if isinstance(v, int)}


AlphaScales = tuple[tuple[str, tuple[tuple[str, bool, int, int], ...]], ...]


def _alpha_scales(bank: Bank) -> AlphaScales:
    """List each multi-item sum scale with its items' reverse flags and ranges."""
    found = []
    for sid, scale in bank.scales.items():
        if scale.method == "sum" and len(scale.items) > 1:
            items = tuple((i, bank.questions[i].reverse, *bank.ranges[i]) for i in scale.items)
            found.append((sid, items))
    return tuple(found)


def record_from(
    bank: Bank,
    scores: Scores,
    outcome: Outcome,
    day: date,
    origin: str | None,
    locale: str | None,
    careless: bool | None = None,
) -> Record:
    """Build the stored form of one scored response."""
    table = {sid: (s.raw, s.score, s.answered, s.total) for sid, s in scores.scales.items()}
    table.update({iid: (None, v, int(v is not None), 1) for iid, v in scores.indices.items()})
    table.update({AREA_PREFIX + aid: (None, v, 1, 1) for aid, v in outcome.area_strain.items()})
    alpha = {}
    for sid, items in _alpha_scales(bank):
        values = [v for i, *_ in items if isinstance(v := scores.answers.get(i), int)]
        if len(values) == len(items):
            alpha[sid] = tuple(
                (item, float(lo + hi - v if rev else v)) for v, (item, rev, lo, hi) in zip(values, items, strict=True)
            )
    answers = {k: list(v) if isinstance(v, tuple) else v for k, v in scores.answers.items()}
    return Record(
        quiz_id=bank.id,
        bank_version=bank.version,
        day=day,
        locale=locale,
        origin=origin,
        outcome=outcome.id,
        flags=tuple(scores.flags),
        answers=answers,
        scores=table,
        alpha=alpha,
        crisis="safety" in scores.flags,
        careless=careless,
    )


def score_bin(score: float) -> int:
    """Return the 10-point bin of a 0-100 score; 100 joins the top bin."""
    return min(max(int(score // (100 / BINS)), 0), BINS - 1)


def _zeros(width: int) -> list[float]:
    return [0.0] * width


class Rollup:
    """Daily sums that responses add to the rollup tables; adding is linear, so batches merge."""

    def __init__(self) -> None:
        # table -> (day, quiz id, bank version, origin, *extra key) -> values
        self.tables: dict[str, defaultdict[tuple[Any, ...], list[float]]] = {
            name: defaultdict(partial(_zeros, width)) for name, width in WIDTHS.items()
        }

    def add(self, record: Record) -> None:
        """Add one response's contribution to its day's rows."""
        group = (record.day, record.quiz_id, record.bank_version, record.origin or "")
        scores = {sid: score for sid, (_, score, _, _) in record.scores.items()}
        self._add(group, record.outcome, record.crisis, scores, record.items, record.alpha)

    def add_queued(self, row: Sequence[Any]) -> None:
        """Add the contribution a queue row holds (see `queue_row`)."""
        _, day, quiz_id, bank_version, origin, packed = row
        found = json.loads(zlib.decompress(packed))
        group = (day if isinstance(day, date) else _iso_day(day), quiz_id, bank_version, origin)
        self._add(group, found["outcome"], found["crisis"], found["scores"], found["items"], found["alpha"])

    def _add(
        self,
        group: tuple[Any, ...],
        outcome: str,
        crisis: bool,
        scores: Mapping[str, float | None],
        items: Mapping[str, int],
        alpha: Mapping[str, Sequence[Sequence[Any]]],
    ) -> None:
        tables = self.tables
        row = tables["daily_outcomes"][(*group, outcome)]
        row[0] += 1
        row[1] += int(crisis)
        present = [(sid, score) for sid, score in scores.items() if score is not None]
        by_scale = tables["daily_scales"]
        _add_each(by_scale, group, present)
        for sid, score in present:
            by_scale[(*group, sid)][3 + score_bin(score)] += 1
        _add_each(tables["daily_items"], group, items.items())
        h, g = (scores.get(axis) for axis in PLANE)
        if h is not None and g is not None:
            tables["daily_plane"][(*group, score_bin(h))][score_bin(g)] += 1
        by_part = tables["daily_alpha"]
        for sid, parts in alpha.items():
            _add_each(by_part, (*group, sid), [("", sum(v for _, v in parts)), *parts])  # part "": the scale total

    def add_rows(self, name: str, rows: Iterable[Sequence[Any]]) -> None:
        """Add daily rows given as (day, quiz id, bank version, origin, *extra key, *values); a day may be ISO text."""
        width = WIDTHS[name]
        table = self.tables[name]
        for r in rows:
            day = r[0] if isinstance(r[0], date) else _iso_day(r[0])
            row = table[(day, *r[1:-width])]
            for i, v in enumerate(r[-width:]):
                row[i] += v

    def rows(self, name: str) -> list[tuple[Any, ...]]:
        """Return rows as (grain, day, quiz, version, origin, *extra key, *values) for every day, week and month.

        They come in key order, so concurrent upserts lock rows in the same order and cannot deadlock.
        """
        found: defaultdict[tuple[Any, ...], list[float]] = defaultdict(partial(_zeros, WIDTHS[name]))
        for (day, *rest), values in self.tables[name].items():
            for grain in GRAINS:
                row = found[(grain, period_start(grain, day), *rest)]
                for i, v in enumerate(values):
                    row[i] += v
        return [(*k, *v) for k, v in sorted(found.items())]


@functools.lru_cache(maxsize=4096)
def _iso_day(text: str) -> date:
    return date.fromisoformat(text)


def queue_row(record: Record) -> tuple[Any, ...]:
    """Return one response's queue row: (id, day, quiz, version, origin, what it adds to the rollups)."""
    contributions = {
        "outcome": record.outcome,
        "crisis": record.crisis,
        "scores": {sid: score for sid, (_, score, _, _) in record.scores.items() if score is not None},
        "items": record.items,
        "alpha": record.alpha,
    }
    packed = zlib.compress(json.dumps(contributions, separators=(",", ":")).encode(), 1)
    return (record.id, record.day.isoformat(), record.quiz_id, record.bank_version, record.origin or "", packed)


WIDTHS = {"daily_outcomes": 2, "daily_scales": 3 + BINS, "daily_items": 3, "daily_plane": BINS, "daily_alpha": 3}
VALUE_NAMES = {
    "daily_outcomes": ("n", "crisis"),
    "daily_scales": ("n", "total", "total_sq", *BIN_COLUMNS),
    "daily_items": ("n", "total", "total_sq"),
    "daily_plane": BIN_COLUMNS,
    "daily_alpha": ("n", "total", "total_sq"),
}


def _add_each(table: Mapping[tuple[Any, ...], list[float]], group: tuple[Any, ...], pairs: Iterable[Any]) -> None:
    """Add each (key, value) to the row (*group, key) of a table whose rows start (n, total, total of squares)."""
    for key, value in pairs:  # one loop, not a call per value: a fold runs this some 90 times per response
        row = table[(*group, key)]
        row[0] += 1
        row[1] += value
        row[2] += value * value
