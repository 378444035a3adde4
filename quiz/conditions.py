"""Turn structured bank conditions into fast predicates over a scoring context."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from quiz.model import (
    AllOf,
    AnswerValue,
    AnyOf,
    Comparison,
    Condition,
    FlagIs,
    IndexIs,
    ItemIs,
    NotOf,
    Ref,
    ScaleIs,
    ScaleScore,
)

OPS: dict[str, Callable[[float, float], bool]] = {
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
}


@dataclass(slots=True)
class Context:
    """What a condition may look at: answers, scale scores, indices and raised flags."""

    answers: Mapping[str, AnswerValue]
    scales: Mapping[str, ScaleScore] = field(default_factory=dict)
    indices: Mapping[str, float | None] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


Predicate = Callable[[Context], bool]
Getter = Callable[[Context], "float | None"]


def compile_condition(cond: Condition) -> Predicate:
    """Compile a condition into a predicate; unanswered or incomplete values never match."""
    if cond == "always":
        return lambda ctx: True
    if isinstance(cond, AllOf | AnyOf) and all(isinstance(c, FlagIs) for c in _parts(cond)):
        names = frozenset(c.flag for c in _parts(cond))  # type: ignore[union-attr]
        if isinstance(cond, AllOf):  # flags only: a set operation, not a call per flag
            return lambda ctx: names <= ctx.flags
        return lambda ctx: not names.isdisjoint(ctx.flags)
    if isinstance(cond, AllOf):
        return _all_of(tuple(compile_condition(c) for c in cond.all))
    if isinstance(cond, AnyOf):
        thresholds = tuple(threshold(c) for c in cond.any)
        if all(thresholds):  # the common screen "any of these scores is past its cut-off", read in one loop
            return _any_threshold(thresholds)  # type: ignore[arg-type]
        return _any_of(tuple(compile_condition(c) for c in cond.any))
    if isinstance(cond, NotOf):
        inner = compile_condition(cond.not_)
        return lambda ctx: not inner(ctx)
    if isinstance(cond, FlagIs):
        name = cond.flag
        return lambda ctx: name in ctx.flags
    if isinstance(cond, ItemIs):
        return _compile_item(cond)
    assert isinstance(cond, Comparison)
    return _compile_compare(value_getter(cond), cond)


def _parts(cond: AllOf | AnyOf) -> tuple[Condition, ...]:
    return cond.all if isinstance(cond, AllOf) else cond.any


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    def holds(ctx: Context) -> bool:
        for part in parts:  # a plain loop: cheaper than all() over a generator on this hot path
            if not part(ctx):
                return False
        return True

    return holds


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    def holds(ctx: Context) -> bool:
        for part in parts:
            if part(ctx):
                return True
        return False

    return holds


Threshold = tuple[bool, str, int, Callable[[float, float], bool], float]  # is a scale, name, field, op, number


def threshold(cond: Condition) -> Threshold | None:
    """Describe a comparison of a scale or an item with a number, or return None for anything else."""
    if not isinstance(cond, ScaleIs | ItemIs):
        return None
    op_name, operand = cond.operator
    if isinstance(operand, Ref):
        return None
    field = 0 if isinstance(cond, ItemIs) or cond.measure == "raw" else 1  # ScaleScore is (raw, score, ...)
    return (
        isinstance(cond, ScaleIs),
        cond.scale if isinstance(cond, ScaleIs) else cond.item,
        field,
        OPS[op_name],
        operand,
    )


def _any_threshold(parts: tuple[Threshold, ...]) -> Predicate:
    def holds(ctx: Context) -> bool:
        scales, answers = ctx.scales, ctx.answers
        left: Any
        for is_scale, name, at, op, operand in parts:
            if is_scale:
                left = scales.get(name, MISSING)[at]
            else:
                left = answers.get(name)
                if isinstance(left, tuple):  # multiple choice: any picked option that matches
                    if any(op(v, operand) for v in left):
                        return True
                    continue
            if left is not None and op(left, operand):
                return True
        return False

    return holds


def value_getter(cond: ScaleIs | IndexIs | ItemIs | Ref) -> Getter:
    """Return a function that reads the value a comparison (or operand) refers to."""
    if isinstance(cond, ItemIs):
        item = cond.item
        return lambda ctx: _number(ctx.answers.get(item))
    if isinstance(cond, ScaleIs):
        name, measure = cond.scale, cond.measure
        if measure == "raw":
            return lambda ctx: ctx.scales.get(name, MISSING).raw
        return lambda ctx: ctx.scales.get(name, MISSING).score
    if isinstance(cond, Ref) and cond.scale is not None:
        scale = cond.scale
        return lambda ctx: ctx.scales.get(scale, MISSING).score
    index = cond.index
    assert index is not None
    return lambda ctx: ctx.indices.get(index)


MISSING = ScaleScore(None, None, None, 0, 0)


def _number(value: AnswerValue | None) -> float | None:
    return value if isinstance(value, int) else None


def _compile_item(cond: ItemIs) -> Predicate:
    op_name, operand = cond.operator
    op = OPS[op_name]
    item = cond.item
    assert not isinstance(operand, Ref), "items compare with numbers"

    def holds(ctx: Context) -> bool:
        value = ctx.answers.get(item)
        if value is None:
            return False
        if isinstance(value, tuple):  # multiple choice: any picked option that matches
            return any(op(v, operand) for v in value)
        return op(value, operand)

    return holds


def _compile_compare(get: Getter, cond: Comparison) -> Predicate:
    op_name, operand = cond.operator
    op = OPS[op_name]
    if isinstance(operand, Ref):
        other = value_getter(operand)

        def against_ref(ctx: Context) -> bool:
            left, right = get(ctx), other(ctx)
            return left is not None and right is not None and op(left, right)

        return against_ref

    if isinstance(cond, ScaleIs):  # the most common comparison, read without a getter call
        name, raw = cond.scale, cond.measure == "raw"

        def scale_against_number(ctx: Context) -> bool:
            found = ctx.scales.get(name, MISSING)
            left = found.raw if raw else found.score
            return left is not None and op(left, operand)

        return scale_against_number

    def against_number(ctx: Context) -> bool:
        left = get(ctx)
        return left is not None and op(left, operand)

    return against_number
