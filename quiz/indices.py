"""Compile a bank's derived indices (need for healing, capacity for growth) and evaluate them; pure."""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter

from quiz.model import AnswerValue, Index, IndexTerm, ScaleScore

ITEM, SCALE, MAX, MIN = range(4)
# kind, what it reads (an item or scale id, or a tuple of scale ids for max and min), lowest value, span, weight, invert
Term = tuple[int, "str | tuple[str, ...]", float, float, float, bool]
_score = attrgetter("score")


def compile_index(index: Index, ranges: Mapping[str, tuple[int, int]]) -> tuple[Term, ...]:
    """Compile an index's terms; `ranges` gives each question's lowest and highest value."""
    return tuple(_term(term, ranges) for term in index.terms)


def _term(term: IndexTerm, ranges: Mapping[str, tuple[int, int]]) -> Term:
    if term.item is not None:
        lo, hi = ranges[term.item]
        return ITEM, term.item, float(lo), float(hi - lo), term.weight, term.invert
    # floats, so that the arithmetic below takes the interpreter's float-only paths; the results are the same
    if term.scale is not None:
        return SCALE, term.scale, 0.0, 100.0, term.weight, term.invert
    kind, names = (MAX, term.max) if term.max is not None else (MIN, term.min or ())
    return kind, names, 0.0, 100.0, term.weight, term.invert


def index_value(
    terms: tuple[Term, ...], scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    """Return an index, 0-100: the weighted mean of the terms that have a value; None when none has."""
    weighted = weights = 0.0
    for kind, names, lo, span, weight, invert in terms:
        # one loop with the kinds inline: a call per term cost more than the arithmetic
        if kind == SCALE:
            found = scales[names].score  # type: ignore[index]
        elif kind == ITEM:
            answer = answers.get(names)  # type: ignore[arg-type]
            found = answer if isinstance(answer, int) else None
        else:  # the scores read in C, with no comprehension frame
            values = list(map(_score, map(scales.__getitem__, names)))
            found = None if None in values else max(values) if kind == MAX else min(values)
        if found is not None:
            value = (found - lo) / span
            weighted += weight * (1.0 - value if invert else value)
            weights += weight
    return round(weighted / weights * 100.0, 1) if weights else None
