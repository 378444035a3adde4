"""What one stored response holds, and what it adds to its month's sums; pure Python, no SQL."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quiz.bank.model import Bank
from quiz.engine import Outcome, Scores
from quiz.engine.scores import scored_value

BANDS = 5  # 0-100 scores fall into five 20-point bands for distributions and the map
PLANE = ("healing_need", "growth_capacity")  # the map's axes: x, then y, as on the person's map
AREA_PREFIX = "area."  # scale ids are [a-z0-9_], so "area.work" cannot clash with one
KINDS = ("responses", "outcome", "crisis", "careless", "scale", "band", "hardest", "item", "plane", "alpha")
TAG = re.compile(r"([A-Za-z]{2,8})(?:[-_]([A-Za-z0-9]{1,8}))?")


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
    for sid, scale in bank.scales.items():
        values = [(i, v) for i in scale.items if isinstance(v := scores.answers.get(i), int)]
        if scale.method == "sum" and len(values) == len(scale.items) > 1:
            alpha[sid] = tuple((i, float(scored_value(bank, i, v))) for i, v in values)
    return Record(
        quiz_id=bank.id,
        bank_version=bank.version,
        day=day,
        locale=locale,
        origin=origin,
        outcome=outcome.id,
        flags=tuple(scores.flags),
        answers={k: list(v) if isinstance(v, tuple) else v for k, v in scores.answers.items()},
        scores=table,
        alpha=alpha,
        crisis="safety" in scores.flags,
        careless=careless,
    )


def band(score: float) -> int:
    """Return the 20-point band of a 0-100 score; 100 joins the top band."""
    return min(max(int(score // (100 / BANDS)), 0), BANDS - 1)


def contributions(r: Record) -> list[tuple[str, str, float]]:
    """List what one response adds to its month's sums, as (kind, key, value)."""
    found = [("responses", "", 0.0), ("outcome", r.outcome, 0.0), ("crisis", str(r.crisis).lower(), 0.0)]
    found.append(("careless", str(bool(r.careless)).lower(), 0.0))
    scores = {sid: score for sid, (_, score, _, _) in r.scores.items() if score is not None}
    for sid, score in scores.items():
        found += [("scale", sid, score), ("band", f"{sid}:{band(score)}", 0.0)]
    areas = {sid[len(AREA_PREFIX) :]: s for sid, s in scores.items() if sid.startswith(AREA_PREFIX)}
    if areas:
        found.append(("hardest", max(areas, key=lambda a: areas[a]), 0.0))
    found += [("item", qid, float(v)) for qid, v in r.answers.items() if isinstance(v, int)]
    x, y = (scores.get(axis) for axis in PLANE)
    if x is not None and y is not None:
        found.append(("plane", f"{band(x)}:{band(y)}", 0.0))
    for sid, parts in r.alpha.items():
        found += [("alpha", sid, sum(v for _, v in parts)), *(("alpha", f"{sid}:{i}", v) for i, v in parts)]
    return found


def monthly_rows(r: Record) -> list[tuple[Any, ...]]:
    """Return a response's rows for the monthly sums: (quiz, month, version, origin, kind, key, 1, v, v*v)."""
    group = (r.quiz_id, r.day.replace(day=1), r.bank_version, r.origin or "")
    return [(*group, kind, key, 1, v, v * v) for kind, key, v in contributions(r)]


def best_locale(header: str | None, offered: Sequence[str]) -> str:
    """Return the offered locale that best matches an Accept-Language header, else the first offered."""
    exact = {locale.lower().replace("_", "-"): locale for locale in offered}
    ranked = []
    for part in (header or "")[:256].split(","):
        tag, _, weight = part.strip().partition(";q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        if (found := TAG.fullmatch(tag.strip())) and 0 < q <= 1:
            ranked.append((-q, found[1].lower(), (found[2] or "").lower()))
    for _, language, region in sorted(ranked, key=lambda r: r[0]):
        for key in (f"{language}-{region}", language):
            if key in exact:
                return exact[key]
    return offered[0]
