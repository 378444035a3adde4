"""Score one scale from answers: a sum with reverse keys and proration, or a life-gap mean; pure."""

from __future__ import annotations

from collections.abc import Mapping
from operator import mul
from typing import Any

from quiz.model import AnswerValue, ScaleScore
from quiz.plan import GapScale, ScaleBatch, SumScale


def score_batch(batch: ScaleBatch, answers: Mapping[str, AnswerValue], into: dict[str, ScaleScore]) -> None:
    """Score a batch of scales into `into`, reading the answers to all its sum scales in one C call."""
    values: tuple[Any, ...] = tuple(map(answers.get, batch.ids))  # ints or None: scale items take one answer
    for sid, where, middle, base, scale in batch.sums:
        part = values[where]
        if None in part:  # an item unanswered or hidden, as the PHQ-9 and GAD-7 follow-ups usually are
            into[sid] = scale.short[len(part) - part.count(None)] or _score_partial(scale, answers)
        elif middle is None:
            into[sid] = scale.complete[sum(part) + base]
        else:
            into[sid] = scale.complete[sum(part[:middle]) - sum(part[middle:]) + base]
    for sid, gap in batch.gaps:
        into[sid] = _score_gap(gap, answers)


def score_scale(scale: SumScale | GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    """Score one scale, prorating when enough items were answered."""
    if isinstance(scale, GapScale):
        return _score_gap(scale, answers)
    try:
        values = scale.values(answers)
    except KeyError:  # an item unanswered or hidden: the rare case
        return _score_partial(scale, answers)
    if scale.signs is None:
        return scale.complete[sum(values) - scale.lo]
    return scale.complete[sum(map(mul, scale.signs, values)) + scale.reverse_offset - scale.lo]


def _score_partial(scale: SumScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    total = answered = 0
    for qid, reverse, lo, hi in scale.items:
        value = answers.get(qid)
        if isinstance(value, int):
            total += lo + hi - value if reverse else value
            answered += 1
    count = len(scale.items)
    if answered == 0 or answered / count < scale.min_answered:
        return ScaleScore(None, None, None, answered, count)
    total = int(total * count / answered + 0.5)  # prorate, rounding half up as the PHQ manuals do
    score, band = scale.table[total - scale.lo]
    return ScaleScore(total, score, band, answered, count)


def _score_gap(scale: GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    get = answers.get
    total, answered = 0.0, 0  # summed in order, so that a full and a partial answer set give the same float
    for satisfaction, importance, gaps in scale.gaps:  # a plain loop beat map and zip for a handful of pairs
        gap = gaps.get((get(satisfaction), get(importance)))  # type: ignore[arg-type]
        if gap is not None:  # None: a question of the pair unanswered, so not in the table
            total += gap
            answered += 1
    count = len(scale.gaps)
    if not answered or answered / count < scale.min_answered:
        return ScaleScore(None, None, None, answered, count)
    raw = round(total / answered * 10, 1)
    whole = scale.complete.get(raw) if answered == count else None
    return whole or ScaleScore(raw, round(raw * 10, 1), None, answered, count)
