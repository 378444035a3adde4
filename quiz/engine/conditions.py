"""Evaluate a bank's structured conditions against what one set of answers has led to; pure."""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from quiz.bank.model import (
    NOT_APPLICABLE,
    AllOf,
    AnswerValue,
    AnyOf,
    Comparison,
    Condition,
    FlagIs,
    IndexIs,
    ItemIs,
    NotOf,
    Number,
    Ref,
    ScaleIs,
)

OPERATORS = dict(gte=operator.ge, gt=operator.gt, lte=operator.le, lt=operator.lt, eq=operator.eq)


class ScaleScore(NamedTuple):
    """A scale's raw score, its 0-100 score and band; all None when too few items were answered."""

    raw: float | None
    score: float | None
    band: str | None
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        """Say whether enough items were answered to report the score."""
        return self.raw is not None


@dataclass(frozen=True)
class Facts:
    """What a condition may read: answers, scale scores, indices and raised flags."""

    answers: Mapping[str, AnswerValue]
    scales: Mapping[str, ScaleScore] = field(default_factory=dict)
    indices: Mapping[str, float | None] = field(default_factory=dict)
    flags: Collection[str] = ()


def holds(cond: Condition, facts: Facts) -> bool:
    """Say whether a condition holds; an unanswered item or an incomplete score never matches."""
    if isinstance(cond, Comparison):
        return compares(cond, facts)
    if isinstance(cond, FlagIs):
        return cond.flag in facts.flags
    if isinstance(cond, AnyOf):
        return any(holds(part, facts) for part in cond.any)
    if isinstance(cond, AllOf):
        return all(holds(part, facts) for part in cond.all)
    if isinstance(cond, NotOf):
        return not holds(cond.not_, facts)
    return cond == "always"  # the one condition written as a word; anything unknown never holds


def compares(cond: ItemIs | ScaleIs | IndexIs, facts: Facts) -> bool:
    """Say whether a comparison holds; a multiple-choice answer matches when any option picked does."""
    name, operand = cond.operator
    compare = OPERATORS[name]
    if isinstance(cond, ItemIs) and isinstance(picked := facts.answers.get(cond.item), tuple):
        return any(compare(value, operand) for value in picked)  # type: ignore[arg-type]
    left = value_of(cond, facts)
    right = operand if isinstance(operand, Number) else value_of(operand, facts)
    return left is not None and right is not None and compare(left, right)


def value_of(target: ItemIs | ScaleIs | IndexIs | Ref, facts: Facts) -> float | None:
    """Return the number a comparison reads: an answer, a scale's raw or 0-100 score, or an index."""
    if isinstance(target, ScaleIs):
        found = facts.scales.get(target.scale)
        return None if found is None else found.raw if target.measure == "raw" else found.score
    if isinstance(target, ItemIs):
        return number(facts.answers.get(target.item))
    if target.index is not None:  # an index, or a reference to one
        return facts.indices.get(target.index)
    found = facts.scales.get(target.scale or "")  # a reference to another scale reads its 0-100 score
    return None if found is None else found.score


def number(answer: AnswerValue | None) -> int | None:
    """Return a one-choice answer as its number; None when unanswered, 'does not apply' or a multiple choice."""
    return answer if isinstance(answer, int) and answer != NOT_APPLICABLE else None
