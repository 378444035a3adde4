"""Compile a bank's derived indices (need for healing, capacity for growth) and evaluate them; pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from quiz.model import AnswerValue, Index, IndexTerm, ScaleScore

Read = Callable[[Mapping[str, ScaleScore], Mapping[str, AnswerValue]], "float | None"]  # a term's value, 0-1
Term = tuple[float, bool, Read]  # weight, invert, read


def compile_index(index: Index, ranges: Mapping[str, tuple[int, int]]) -> tuple[Term, ...]:
    """Compile an index's terms; `ranges` gives each question's lowest and highest value."""
    return tuple((term.weight, term.invert, _reader(term, ranges)) for term in index.terms)


def _reader(term: IndexTerm, ranges: Mapping[str, tuple[int, int]]) -> Read:
    if term.item is not None:
        item = term.item
        lo, hi = ranges[item]
        span = hi - lo

        def read_item(scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]) -> float | None:
            value = answers.get(item)
            return (value - lo) / span if isinstance(value, int) else None

        return read_item
    if term.scale is not None:
        name = term.scale

        def read_scale(scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]) -> float | None:
            value = scales[name].score
            return None if value is None else value / 100

        return read_scale
    names = term.max or term.min or ()
    pick = max if term.max is not None else min

    def read_combined(scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]) -> float | None:
        values = [found for name in names if (found := scales[name].score) is not None]
        return pick(values) / 100 if len(values) == len(names) else None

    return read_combined


def index_value(
    terms: tuple[Term, ...], scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    """Return an index, 0-100: the weighted mean of the terms that have a value; None when none has."""
    weighted = weights = 0.0
    for weight, invert, read in terms:
        value = read(scales, answers)
        if value is not None:
            weighted += weight * (1 - value if invert else value)
            weights += weight
    return round(weighted / weights * 100, 1) if weights else None
